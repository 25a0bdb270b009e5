"""``python -m webmap``: serve on PARKMAP_HOST:PARKMAP_PORT (development server)."""

from webmap import create_app

app = create_app()
app.run(host=app.config["HOST"], port=app.config["PORT"])
