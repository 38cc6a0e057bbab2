"""The open-actions digest (DESIGN §6): built as data (build.py, PURE), rendered from
templates (render.py), delivered exactly once per period through channels (deliver.py)."""
