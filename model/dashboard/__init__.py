"""The browser dashboard (Mesa SolaraViz): `app` builds the model and levers, `page` is what
Solara serves."""
