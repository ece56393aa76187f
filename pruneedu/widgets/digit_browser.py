"""A first slider to practise on: flip through MNIST digits (notebook 00-welcome)."""

from __future__ import annotations

import ipywidgets as widgets
from torch.utils.data import TensorDataset

from pruneedu.data import check_dataset
from pruneedu.viz import course_style, frame_image, new_figure
from pruneedu.widgets.readouts import FigureView, readout, show_value


class DigitBrowser(widgets.VBox):
    """Show one image of ``dataset`` at a time, chosen with a slider.

    Attributes:
        slider: the image index. label: readout of the digit's label. picture: the drawn image.

    Example:
        >>> import torch
        >>> from pruneedu.widgets.readouts import readout_text
        >>> digits = TensorDataset(torch.zeros(3, 1, 28, 28), torch.tensor([7, 1, 4]))
        >>> browser = DigitBrowser(digits)
        >>> browser.slider.value = 2; readout_text(browser.label)
        '4'
    """

    def __init__(self, dataset: TensorDataset):
        if hasattr(dataset, "test") and not isinstance(dataset, TensorDataset):
            raise TypeError("DigitBrowser shows one split; pass e.g. mnist.test, not all of mnist.")
        # The course's format check: a clear sentence for arrays, 0-255 or flattened images.
        self.images, self.labels = check_dataset(dataset)
        self.slider = widgets.IntSlider(value=0, min=0, max=len(self.images) - 1,
                                        description="Image number", continuous_update=False,
                                        style={"description_width": "initial"},
                                        layout=widgets.Layout(width="100%", max_width="44em"))
        self.label = readout("Label")
        with course_style():
            figure = new_figure(2.8, 3.0)
            ax = figure.add_subplot()
            self.picture = ax.imshow(self.images[0].reshape(28, 28).numpy(), cmap="gray_r",
                                    vmin=0, vmax=1, animated=True)
            ax.set_title("Test digit")
            ax.set_xlabel("28 pixels wide")
            frame_image(ax)
        self.view = FigureView(figure)
        self.slider.observe(self._update, names="value")
        super().__init__([self.slider, self.label, self.view.image])
        self.add_class("pruneedu-digit-browser")
        self._update()

    def _update(self, change: dict | None = None) -> None:
        index = self.slider.value
        self.picture.set_data(self.images[index].reshape(28, 28).numpy())
        show_value(self.label, str(int(self.labels[index])))
        self.view.refresh()
