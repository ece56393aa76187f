"""What the grader keeps of a learner's file (the named function, its imports and helpers), what
hand_in() writes down from a live function, and how a notebook becomes a script."""

import json
import textwrap

import pytest

from pruneedu.exercises.capture import capture_source
from pruneedu.exercises.extract import defined_functions, extract_function, parse_problem
from pruneedu.grading.handin import handles, notebook_source

NOTEBOOK_EXPORT = textwrap.dedent('''\
    #!/usr/bin/env python
    # coding: utf-8
    import torch
    import numpy as np
    from pruneedu import data, models
    from pruneedu.exercises import check
    from pruneedu.seeding import seed_everything
    get_ipython().system('pip install something')
    seed_everything(0)
    mnist = data.load_mnist()
    SCALE = 1.0  # café

    def helper(weights):
        return weights.abs() * SCALE

    def magnitude_mask(weights, amount):
        raise NotImplementedError("write the body of magnitude_mask")

    report = check("magnitude-mask", magnitude_mask); print(report)

    def magnitude_mask(weights: torch.Tensor, amount: float) -> torch.Tensor:
        order = torch.argsort(helper(weights).flatten(), stable=True)
        keep = torch.ones(weights.numel(), dtype=torch.bool)
        keep[order[:round(amount * weights.numel())]] = False
        return keep.reshape(weights.shape)

    report = check("magnitude-mask", magnitude_mask)
    print(np.zeros(3))
    ''')


def test_only_the_last_definition_and_what_it_uses_are_kept():
    extracted = extract_function(NOTEBOOK_EXPORT, "magnitude_mask")
    assert extracted.problem == ""
    code = extracted.code
    assert "seed_everything" not in code and "check" not in code and "print" not in code
    assert "get_ipython" not in code and "load_mnist" not in code and "pruneedu" not in code
    assert "import numpy" not in code  # used only by a dropped print
    assert "import torch" in code and "SCALE = 1.0  # café" in code and "def helper" in code
    assert code.count("def magnitude_mask") == 1 and "NotImplementedError" not in code
    # Line numbers are kept, so an error's line points into the learner's own file.
    original = NOTEBOOK_EXPORT.splitlines()
    kept = code.splitlines()
    assert len(kept) == len(original)
    assert all(line == original[i] for i, line in enumerate(kept) if line.strip())
    namespace = {}
    exec(compile(code, "submission.py", "exec"), namespace)
    import torch
    mask = namespace["magnitude_mask"](torch.tensor([1.0, -3.0, 0.5, 2.0]), 0.5)
    assert mask.tolist() == [False, True, False, True]


@pytest.mark.parametrize("source,problem", [
    ("def f(:\n    pass\n", "not valid Python (line 1"),
    ("x = 1\n", "defines no top-level function named magnitude_mask"),
    ("if True:\n    def magnitude_mask(w, a):\n        return w\n",
     "defines no top-level function named magnitude_mask"),
    ("\x00", "not valid Python"),
])
def test_files_the_grader_cannot_use_are_reported_in_one_sentence(source, problem):
    assert problem in extract_function(source, "magnitude_mask").problem


def test_a_function_bound_by_assignment_and_statements_on_one_line():
    source = "import math; x = print('hi')\ndef mine(a):\n    return math.sqrt(a)\nroot = mine\n"
    code = extract_function(source, "root").code
    assert "print" not in code and "import math" in code and "root = mine" in code
    assert parse_problem(code) == ""
    assert defined_functions(source) == {"mine", "root"}


def test_parameters_and_locals_shadow_globals_so_unused_cells_stay_out():
    source = textwrap.dedent('''\
        weights = load_a_huge_thing()
        def f(weights):
            total = weights.sum()
            return total
        total = 5
        ''')
    code = extract_function(source, "f").code
    assert "load_a_huge_thing" not in code and "total = 5" not in code


def test_capture_writes_imports_helpers_constants_and_aliases():
    namespace = {}
    exec(compile(textwrap.dedent('''\
        import math
        from math import floor as round_down
        LIMITS = (1, 2)
        huge = object()
        def helper(x):
            return math.sqrt(x) + LIMITS[0] + round_down(x)
        def mine(x):
            return helper(x) + len(str(huge))
        '''), "/nonexistent/cell.py", "exec"), namespace)
    import linecache
    linecache.cache["/nonexistent/cell.py"] = (0, None, [], "/nonexistent/cell.py")
    assert capture_source(namespace["mine"], "mine") == (None, [])  # no source: nothing made up


def test_capture_from_a_module_file(tmp_path):
    path = tmp_path / "learner_cells.py"
    path.write_text(textwrap.dedent('''\
        import math
        from math import floor as round_down
        LIMITS = (1, 2)
        huge = object()
        weight = 3.0
        def helper(x):
            return math.sqrt(x) + LIMITS[0] + round_down(x)
        def mine(net):
            return helper(net.weight) + len(str(huge))
        '''))
    import importlib.util
    spec = importlib.util.spec_from_file_location("learner_cells", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    source, missing = capture_source(module.mine, "my_function")
    assert missing == ["huge"]  # an object the hand-in cannot write down, reported
    assert "import math\n" in source and "from math import floor as round_down" in source
    assert "LIMITS = (1, 2)" in source and "def helper" in source
    assert "weight = 3.0" not in source  # `.weight` is an attribute, not the global
    assert source.rstrip().endswith("my_function = mine")
    extracted = extract_function(source, "my_function")
    assert extracted.problem == "" and "def mine" in extracted.code


def test_notebooks_become_scripts_without_magics():
    notebook = {"cells": [
        {"cell_type": "markdown", "source": "# Title"},
        {"cell_type": "code", "source": ["%matplotlib inline\n", "import torch\n"]},
        {"cell_type": "code", "source": "%%time\nx = 1\n"},
        {"cell_type": "code", "source": "!pip install x\ndef f(a):\n    return a\n"},
        {"cell_type": "code", "source": "this cell is not ( python"},
    ]}
    script = notebook_source(json.dumps(notebook))
    assert "import torch" in script and "def f(a)" in script
    assert "%" not in script and "!" not in script and "not python" not in script
    assert extract_function(script, "f").problem == ""
    with pytest.raises(ValueError, match="not a notebook"):
        notebook_source("[1, 2]")


def test_which_files_the_hand_in_discovery_takes():
    assert handles("ada.handin.json") and handles("ada.04-lab.ipynb")
    assert handles("ada.01-introduction.py") and handles("ada.capstone.pedu")
    assert not handles("ada.magnitude-mask.py")
    assert not handles("ada.01-introduction.responses.json")
    assert not handles("notes.txt") and not handles("04-lab.py")
