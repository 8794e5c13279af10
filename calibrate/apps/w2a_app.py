"""The Flask app of wsgi_app.py wrapped by asgiref's WsgiToAsgi, for uvicorn."""
from asgiref.wsgi import WsgiToAsgi

from wsgi_app import app as flask_app

app = WsgiToAsgi(flask_app)
