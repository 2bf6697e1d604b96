"""The bad-input corpus: one module per family of input, each a table of cases.

- test_database_urls.py   URLs x every entry point (db check|upgrade|adopt, demo seed, self-check,
                          the window's start), on a throwaway cluster (cluster.py)
- test_sign_in.py         what people type into the sign-in form
- test_service_values.py  values handed to the services' writes
- test_json_rows.py       what the shared database's JSON columns hold, opened by every page
- test_server_lost_mid_store.py  the server stopped (pg_ctl stop -m immediate) mid-store

Every case asserts the one line a user reads, that no traceback reaches them, and that the tables
are unchanged (`tests.platform_db.table_fingerprints`). A new family (clip files, ...) is a new
module with its own table; `conftest.assert_one_clear_line` and `world.build_world` are shared.
"""
