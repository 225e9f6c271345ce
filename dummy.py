# The Locust master's locustfile for klayworker.
#
# The master needs at least one User class to start a test; the klayworkers do the real work
# with their own test cases (--tc), so this class never runs anything. Start a master with
#
#     locust -f dummy.py --master                      # web UI on http://localhost:8089
#     locust -f dummy.py --master --headless -u 20 -r 10 -t 1m --expect-workers 2
#
# then point one or more workers at it:
#
#     klayworker --tc valueTransfer --endpoint http://node:8551 --master-host 127.0.0.1
#
# The master splits the users between the workers; each worker spreads its share over its
# --tc test cases by weight and reports the numbers that appear in the web UI.
from locust import User, task


class KlayworkerUser(User):
    @task
    def noop(self):
        pass
