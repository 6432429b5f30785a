"""The module `solara run` serves (`citizenization app`): the dashboard page itself."""

from model.dashboard.app import make_page

page = make_page()
