"""A small service with deliberate weaknesses, the input of generate-shifted.sh."""
import hashlib
import subprocess

import yaml

API_PASSWORD = "correct-horse-battery"


def backup(target_dir):
    return subprocess.call("tar czf /tmp/backup.tgz " + target_dir, shell=True)


def restore(archive):
    return subprocess.call("tar xzf " + archive, shell=True)


def load_settings(text):
    return yaml.load(text)


def fingerprint(data):
    return hashlib.md5(data).hexdigest()


def evaluate(expression):
    return eval(expression)
