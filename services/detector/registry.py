"""The detector's vocabulary as registries of named, typed functions (spaCy-style).

A pattern file is data: it names role sources ("speaker", "complier") and constraint
positions ("governor", "object"), and the code behind each name is a function registered here
by the module that knows the parse (``roles.py``, ``matcher.py``). Loading a pattern checks
every name against these registries, so a typo fails at load with the file, the field and the
names that exist, and a new source or position is one decorated function, not another branch.

This module imports nothing heavy: ``vocabulary()`` imports the registering modules (and so
spaCy) only when a pattern file is checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar

if TYPE_CHECKING:
    from spacy.tokens import Token

    from services.detector.positions import Place
    from services.detector.roles import Role, RoleFinder

    RoleSource: TypeAlias = Callable[[RoleFinder, Token], Token | None]
    """A role source: a ``RoleFinder`` method from the anchor to the token filling the role."""
    PositionFunction: TypeAlias = Callable[[Place], set[int]]
    """A constraint position: the token indices of that position around the anchor."""
    PartyNaming: TypeAlias = Callable[[RoleFinder, Role | None, Role | None], tuple[Role | None, Role | None]]
    """A party naming: how a pattern names the actor and target it found (same tokens, its words)."""

F = TypeVar("F", bound=Callable[..., object])


class Registry(Generic[F]):
    """Named functions of one kind; registering a name twice is a programming error."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._functions: dict[str, F] = {}

    def register(self, name: str) -> Callable[[F], F]:
        """Decorator: registers the function under ``name`` and returns it unchanged."""

        def add(function: F) -> F:
            if name in self._functions:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self._functions[name] = function
            return function

        return add

    def get(self, name: str) -> F:
        try:
            return self._functions[name]
        except KeyError:
            raise KeyError(f"unknown {self.kind} {name!r}; known: {', '.join(self.names)}") from None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._functions))

    def __contains__(self, name: object) -> bool:
        return name in self._functions

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)


role_sources: Registry[RoleSource] = Registry("role source")
positions: Registry[PositionFunction] = Registry("constraint position")
party_namings: Registry[PartyNaming] = Registry("party naming")


def vocabulary() -> tuple[Registry[RoleSource], Registry[PositionFunction]]:
    """The populated registries (role sources, positions): imports the modules that fill them
    (``party_namings`` is filled by ``roles.py`` too)."""
    import services.detector.matcher  # noqa: F401 - registers the positions
    import services.detector.roles  # noqa: F401 - registers the role sources

    return role_sources, positions
