"""The analytics core: named pure steps over tables (Ibis over DuckDB for pupil rows, pandas for
the small school-level frames). No Django here: the results app feeds it tables and stores what
it returns as rollups, so the same steps can later run on another engine.
"""
