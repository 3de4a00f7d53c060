"""The layers stay visible: a pure core, a runtime that only reads, no import circles."""

from __future__ import annotations

from tests.architecture.imports import SOURCE, cycles, graph, imported_names, modules

CORE = "atom.security.core"
RUNTIME = "atom.security.runtime"


def test_it_keeps_django_and_other_atom_packages_out_of_the_core():
    offenders = []
    for name, path in modules().items():
        if not name.startswith(CORE):
            continue
        for target in imported_names(path, name):
            if target.split(".")[0] == "django" or (
                target.startswith("atom") and not target.startswith(CORE)
            ):
                offenders.append(f"{name} imports {target}")
    assert offenders == []


def test_it_finds_a_core_module_that_imports_django(tmp_path):
    # The check above must be able to fail: the same reading of a file
    # that does import Django names it.
    fake = tmp_path / "leak.py"
    fake.write_text("def f():\n    from django.conf import settings\n")
    assert "django.conf" in imported_names(fake, f"{CORE}.leak")


def test_it_keeps_the_runtime_from_importing_the_console():
    console = ("views", "forms", "urls", "section", "management")
    offenders = [
        f"{name} imports {target}"
        for name, targets in graph().items()
        if name.startswith(RUNTIME)
        for target in targets
        if target.rsplit(".", 1)[-1] in console or ".management" in target
    ]
    assert offenders == []


def test_it_has_no_import_circle():
    assert cycles(graph()) == []


def test_it_finds_an_import_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_it_reads_every_source_file():
    assert f"{CORE}.tokens" in modules()
    assert (SOURCE / "atom" / "security" / "core" / "tokens.py").exists()
