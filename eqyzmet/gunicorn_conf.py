"""Gunicorn settings for the web service: ``gunicorn -c python:eqyzmet.gunicorn_conf``.

The access log records, for each request, the time, method, path, protocol, status, size
and duration, and nothing else: no client address, no user agent, no referrer, no query
string, no header. Requests from anonymous ethics reporters and rating citizens are not
logged at all, and one-time tokens in account paths are replaced by a label (see
``eqyzmet.access_log``). Command-line options (``--bind``, ``--workers``) still apply, and an
operator's ``--access-logformat`` cannot bring the removed fields back: they are gone from
the data the format is filled from.
"""

from __future__ import annotations

from gunicorn import glogging

from eqyzmet.access_log import PrivatePathFilter, access_log_path, is_anonymous_path

# Fields a log line may hold; everything else (h, a, f, u, q and every {header}i / {var}e /
# {header}o) becomes "-".
_KEPT_ATOMS = ("t", "s", "m", "H", "b", "B", "T", "D", "M", "L", "p")


class PrivateAccessLogger(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)
        # The error log names the path of a request that failed ("Error handling request
        # /kk/evaluation/rate/<token>/"): the same labels apply there.
        self.error_log.addFilter(PrivatePathFilter())

    def access(self, resp, req, environ, request_time):
        for path in (environ.get("PATH_INFO", ""), environ.get("RAW_URI", "").split("?")[0]):
            if is_anonymous_path(path):
                return
        super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        kept = {key: atoms[key] for key in _KEPT_ATOMS if key in atoms}
        path = access_log_path(environ.get("PATH_INFO", ""))
        kept["U"] = path
        kept["r"] = f"{atoms.get('m')} {path} {atoms.get('H')}"
        return kept


logger_class = PrivateAccessLogger
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
