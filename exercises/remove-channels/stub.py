import torch


def remove_channels(conv_weight: torch.Tensor, conv_bias: torch.Tensor,
                    next_weight: torch.Tensor, amount: float
                    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Remove the ``round(amount * channels)`` least important output channels of a
    convolution, from the convolution AND from the next layer that reads them.

    The importance of channel ``c`` is the L2 norm of ``next_weight[:, c]`` (the weights of
    the next layer that read it; your ``channel_importance`` computes it). You may keep the
    surviving channels in their original order or sort them by importance, as long as the
    convolution's filters, its bias and the next layer's input channels stay matched.

    Args:
        conv_weight: the convolution's weight ``[channels, in, kh, kw]``.
        conv_bias: its bias ``[channels]``.
        next_weight: the next convolution's weight ``[out, channels, kh, kw]``.
        amount: the fraction of the channels to remove, from 0.0 to 1.0.

    Returns:
        ``(conv_weight, conv_bias, next_weight)`` with only the kept channels.
    """
    raise NotImplementedError("write the body of remove_channels")
