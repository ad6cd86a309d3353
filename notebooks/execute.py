"""Execute notebooks/coverage.ipynb headless (nbclient), so it cannot rot.

    python3 notebooks/execute.py            # run it; fail on any error (CI)
    python3 notebooks/execute.py --inplace  # run it and save the outputs into the notebook

Needs the release binary (cargo build --release) and ../shared beside the checkout.
"""

import pathlib
import sys

import nbclient
import nbformat

HERE = pathlib.Path(__file__).resolve().parent
NOTEBOOK = HERE / "coverage.ipynb"


def main() -> int:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(HERE)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        print(f"{NOTEBOOK}: a cell failed:\n{e}", file=sys.stderr)
        return 1
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    if errors:
        print(f"{NOTEBOOK}: {len(errors)} cell(s) raised errors", file=sys.stderr)
        return 1
    if "--inplace" in sys.argv[1:]:
        nbformat.write(nb, NOTEBOOK)
        print(f"executed and saved {NOTEBOOK}")
    else:
        print(f"executed {NOTEBOOK}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells, no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
