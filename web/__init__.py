"""The web layer: the Flask app (`web.app.create_app`), its areas, and the `chengxin` CLI."""
