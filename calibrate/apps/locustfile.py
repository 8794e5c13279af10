"""Locust's side of the cross-check (calibrate/locust.go): every user sends
GET LOCUST_PATH again as soon as the answer is in, with no wait, over its
own connection (kept alive unless LOCUST_CLOSE=1 asks for Connection:
close, as the Go client's keepalive=false does). LOCUST_USER=fast uses
FastHttpUser (geventhttpclient), which costs locust far less CPU a request
than HttpUser (requests).
"""
import os

from locust import FastHttpUser, HttpUser, constant, task

PATH = os.environ["LOCUST_PATH"]
HEADERS = {"Connection": "close"} if os.environ.get("LOCUST_CLOSE") == "1" else {}


class Client(FastHttpUser if os.environ.get("LOCUST_USER") == "fast" else HttpUser):
    wait_time = constant(0)

    @task
    def work(self):
        self.client.get(PATH, headers=HEADERS)
