-- wrk: POST `{ pool { available } }` (the "default" pool).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":"{ pool { available } }"}'
