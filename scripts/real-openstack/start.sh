#!/usr/bin/env bash
# Start a minimal but real OpenStack (Debian 12 / Zed) control plane on
# 127.0.0.1 only, as plain background processes (no systemd).  Run
# install.sh (as root) once before.
#
#   MariaDB 10.11 ........ 127.0.0.1:3306   (own datadir under $RUN)
#   epmd + RabbitMQ 3.10 . 127.0.0.1:4369 / 5672 / 25672
#   Keystone (uwsgi) ..... 127.0.0.1:5000   identity v3
#   Placement (uwsgi) .... 127.0.0.1:8778
#   Nova API (uwsgi) ..... 127.0.0.1:8774   compute v2.1 + microversions
#   nova-conductor, nova-scheduler, N x nova-compute (fake.FakeDriver,
#                          hosts compute-1 .. compute-N)
#   Glance API ........... 127.0.0.1:9292   image v2, file store
#   Cinder API ........... 127.0.0.1:8776   block-storage v3
#   cinder-scheduler, cinder-volume (FakeLoggingVolumeDriver, host cinder@fake)
#   fake-neutron stub .... 127.0.0.1:9696   (only for nova, not in the catalog)
#
# Idempotent: when every process already runs and the APIs answer it does
# nothing (~1 s).  Otherwise it re-uses the datadir/DBs, re-runs the (no-op)
# db syncs and only starts what is not running.  stop.sh stops everything by the
# PID files in $RUN/pid.  Wipe state with: ./stop.sh && rm -rf "$RUN"
#
# Progress goes to stdout as "[start.sh +Ns] ...".  On any failure it stops
# at once (exit 1) and prints the tail of the log that explains it; every
# process logs to $RUN/log/<name>.log.
set -Eeuo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
RUN=${OS_RUN_DIR:-/var/tmp/real-openstack}
PW=${OS_PASSWORD_ALL:-secret}          # every password (admin, services, DB)
NUM_COMPUTES=${NUM_COMPUTES:-2}
DEBUG=${OS_DEBUG:-False}
HOST=127.0.0.1
DB_PORT=${DB_PORT:-3306}
SHARE=/usr/local/share/real-openstack
KS=http://$HOST:5000
PY=/usr/bin/python3   # Debian's python (has the OpenStack libs), never a pyenv one from PATH

T0=$(date +%s)
log() { echo "[start.sh +$(( $(date +%s) - T0 ))s] $*"; }
# die MESSAGE [LOG...]: print MESSAGE and the last lines of each LOG, exit 1
die() {
  local msg=$1 f; shift
  echo "[start.sh +$(( $(date +%s) - T0 ))s] FAILED: $msg" >&2
  for f in "$@"; do
    [ -e "$f" ] || continue
    echo "----- last 40 lines of $f -----" >&2
    tail -n 40 "$f" >&2
    echo "----- end of $f -----" >&2
  done
  echo "all logs: $RUN/log/" >&2
  exit 1
}
trap 'die "unexpected error at line $LINENO (exit $?)"' ERR

# ---------------------------------------------------------------- prerequisites
"$PY" -c 'import nova, keystone, placement, glance, cinder, openstack' 2>/dev/null ||
  die "the OpenStack python packages are missing: run install.sh (as root) first"
for b in uwsgi mariadbd mariadb-install-db epmd /usr/lib/rabbitmq/bin/rabbitmq-server curl ss; do
  command -v "$b" >/dev/null || die "$b not found: run install.sh (as root) first"
done
for f in nova-api-paste.ini glance-api-paste.ini cinder-api-paste.ini; do
  [ -s "$SHARE/$f" ] || die "$SHARE/$f missing: run install.sh (as root) first"
done

mkdir -p "$RUN"/{etc/{keystone,nova,placement,glance,cinder},log,pid,bin,wsgi,lock,mysql,rabbitmq,glance/{images,staging,tasks},nova/instances,cinder,keystone}

# ---------------------------------------------------------------- helpers
is_running() {  # name
  local f="$RUN/pid/$1.pid"
  [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}
# start_proc NAME CMD... : run in its own session (so stop.sh can signal the
# whole process group by PID), stdout+stderr -> $RUN/log/NAME.log
start_proc() {
  local name=$1; shift
  if is_running "$name"; then log "$name already running (pid $(cat "$RUN/pid/$name.pid"))"; return 0; fi
  echo "=== $(date -u +%FT%TZ) start.sh starting $name" >>"$RUN/log/$name.log"
  setsid "$@" >>"$RUN/log/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/pid/$name.pid"
  log "started $name (pid $!)"
}
# alive NAME: fail with the process's log tail if it has exited
alive() {
  is_running "$1" || die "$1 exited (pid file $RUN/pid/$1.pid)" "$RUN/log/$1.log" ${2:+"$2"}
}
wait_port() {  # port timeout name [extra-log]
  local i
  for ((i = 0; i < $2 * 5; i++)); do
    if (exec 3<>/dev/tcp/$HOST/$1) 2>/dev/null; then return 0; fi
    alive "$3" ${4:+"$4"}
    sleep 0.2
  done
  die "timeout ($2 s) waiting for $3 on $HOST:$1" "$RUN/log/$3.log" ${4:+"$4"}
}
wait_http() {  # url timeout name
  local i
  for ((i = 0; i < $2 * 5; i++)); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    alive "$3"
    sleep 0.2
  done
  die "timeout ($2 s) waiting for $3 at $1" "$RUN/log/$3.log"
}
# Ports of the services that are not running yet must be free: a stray
# daemon (e.g. Debian's own mariadb) would otherwise be half-used silently.
check_port_free() {  # port name
  is_running "$2" && return 0
  if ss -Hltn "sport = :$1" | grep -q .; then
    die "port $1 (for $2) is already in use by another process: $(ss -Hltnp "sport = :$1" | head -n 1)"
  fi
}
for pn in "$DB_PORT:mariadb" 4369:epmd 5672:rabbitmq 25672:rabbitmq 5000:keystone 8778:placement \
          8774:nova-api 9292:glance-api 8776:cinder-api 9696:fake-neutron; do
  check_port_free "${pn%%:*}" "${pn#*:}"
done
# Fast path: everything already runs and answers -> nothing to do
# (set OS_FORCE_SETUP=1 to re-write the configs and re-run the db syncs anyway).
expected=(mariadb epmd rabbitmq keystone placement glance-api cinder-api cinder-scheduler cinder-volume
          fake-neutron nova-api nova-conductor nova-scheduler)
for i in $(seq 1 "$NUM_COMPUTES"); do expected+=("nova-compute-$i"); done
if [ "${OS_FORCE_SETUP:-0}" != 1 ]; then
  all=1
  for n in "${expected[@]}"; do is_running "$n" || { all=0; break; }; done
  if [ "$all" = 1 ]; then
    for u in $KS/v3 http://$HOST:8778/ http://$HOST:9292/ http://$HOST:8774/ http://$HOST:8776/; do
      curl -fsS -o /dev/null "$u" 2>/dev/null || { all=0; break; }
    done
  fi
  if [ "$all" = 1 ]; then
    log "all ${#expected[@]} processes already running and the APIs answer: nothing to do"
    log "READY.  export OS_CLIENT_CONFIG_FILE=$HERE/clouds.yaml OS_CLOUD=real-openstack"
    exit 0
  fi
fi

# console-script wrappers (the daemon packages that ship /usr/bin/nova-* etc.
# are deliberately not installed)
mkbin() {  # name module:func
  local mod=${2%%:*} fn=${2##*:}
  cat > "$RUN/bin/$1" <<EOF
#!/usr/bin/python3
import sys
sys.argv[0] = "$1"
from $mod import $fn
sys.exit($fn())
EOF
  chmod +x "$RUN/bin/$1"
}
mkbin nova-manage      nova.cmd.manage:main
mkbin nova-conductor   nova.cmd.conductor:main
mkbin nova-scheduler   nova.cmd.scheduler:main
mkbin nova-compute     nova.cmd.compute:main
mkbin glance-manage    glance.cmd.manage:main
mkbin glance-api       glance.cmd.api:main
mkbin cinder-manage    cinder.cmd.manage:main
mkbin cinder-api       cinder.cmd.api:main
mkbin cinder-scheduler cinder.cmd.scheduler:main
mkbin cinder-volume    cinder.cmd.volume:main
mkbin placement-manage placement.cmd.manage:main
mkbin keystone-manage  keystone.cmd.manage:main

cat > "$RUN/wsgi/keystone.py"  <<'EOF'
from keystone.server.wsgi import initialize_public_application
application = initialize_public_application()
EOF
cat > "$RUN/wsgi/placement.py" <<'EOF'
from placement.wsgi import init_application
application = init_application()
EOF
cat > "$RUN/wsgi/nova-api.py"  <<'EOF'
from nova.api.openstack.compute.wsgi import init_application
application = init_application()
EOF

uwsgi_proc() {  # name port wsgi-file processes env...
  local name=$1 port=$2 file=$3 procs=$4; shift 4
  local envs=() e
  for e in "$@"; do envs+=(--env "$e"); done
  start_proc "$name" uwsgi --plugin python3 --http-socket "$HOST:$port" \
    --wsgi-file "$file" --master --processes "$procs" --threads 1 \
    --lazy-apps --die-on-term --need-app --enable-threads \
    --buffer-size 65535 --add-header "Connection: close" \
    --procname-prefix-spaced "$name" "${envs[@]}"
}

authtoken() {  # user
  cat <<EOF
[keystone_authtoken]
www_authenticate_uri = $KS
auth_url = $KS
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $PW
region_name = RegionOne
EOF
}
ksauth() {  # section user   (keystoneauth password plugin options)
  cat <<EOF
[$1]
auth_type = password
auth_url = $KS
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $PW
region_name = RegionOne
EOF
}
dburl() { echo "mysql+pymysql://$1:$PW@$HOST:$DB_PORT/$2?charset=utf8"; }
RABBIT=rabbit://guest:guest@$HOST:5672/

# ---------------------------------------------------------------- configs
cat > "$RUN/etc/keystone/keystone.conf" <<EOF
[DEFAULT]
debug = $DEBUG
[database]
connection = $(dburl keystone keystone)
[token]
provider = fernet
[fernet_tokens]
key_repository = $RUN/keystone/fernet-keys
[fernet_receipts]
key_repository = $RUN/keystone/fernet-keys
[credential]
key_repository = $RUN/keystone/credential-keys
EOF

cat > "$RUN/etc/placement/placement.conf" <<EOF
[DEFAULT]
debug = $DEBUG
[api]
auth_strategy = keystone
[placement_database]
connection = $(dburl placement placement)
$(authtoken placement)
EOF

cat > "$RUN/etc/nova/nova.conf" <<EOF
[DEFAULT]
debug = $DEBUG
host = controller
my_ip = $HOST
state_path = $RUN/nova
instances_path = $RUN/nova/instances
transport_url = $RABBIT
compute_driver = fake.FakeDriver
enabled_apis = osapi_compute
osapi_compute_listen = $HOST
metadata_listen = $HOST
use_rootwrap_daemon = false
heal_instance_info_cache_interval = 0
# fast feedback for the test cloud (defaults: 10 / 60)
report_interval = 5
service_down_time = 30
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = $RUN/etc/nova/api-paste.ini
$(authtoken nova)
$(ksauth service_user nova)
send_service_user_token = true
$(ksauth placement nova)
$(ksauth cinder nova)
os_region_name = RegionOne
$(ksauth neutron nova)
endpoint_override = http://$HOST:9696
service_metadata_proxy = false
[glance]
region_name = RegionOne
[scheduler]
discover_hosts_in_cells_interval = 5
workers = 1
[conductor]
workers = 1
[oslo_concurrency]
lock_path = $RUN/lock/nova
[oslo_messaging_notifications]
driver = noop
[vnc]
enabled = false
[spice]
enabled = false
EOF
# DB credentials only for api/conductor/scheduler/nova-manage, as in a real
# deployment: nova-compute must not have them (it would try direct DB access).
cat > "$RUN/etc/nova/nova-db.conf" <<EOF
[api_database]
connection = $(dburl nova nova_api)
[database]
connection = $(dburl nova nova)
EOF
cp "$SHARE/nova-api-paste.ini" "$RUN/etc/nova/api-paste.ini"
sed -i "s|/etc/nova/healthcheck_disable|$RUN/etc/nova/healthcheck_disable|" "$RUN/etc/nova/api-paste.ini"
for i in $(seq 1 "$NUM_COMPUTES"); do
  cat > "$RUN/etc/nova/compute-$i.conf" <<EOF
[DEFAULT]
host = compute-$i
[oslo_concurrency]
lock_path = $RUN/lock/nova-compute-$i
EOF
done

cat > "$RUN/etc/glance/glance-api.conf" <<EOF
[DEFAULT]
debug = $DEBUG
bind_host = $HOST
bind_port = 9292
workers = 1
enabled_backends = file:file
[glance_store]
default_backend = file
[file]
filesystem_store_datadir = $RUN/glance/images
[os_glance_staging_store]
filesystem_store_datadir = $RUN/glance/staging
[os_glance_tasks_store]
filesystem_store_datadir = $RUN/glance/tasks
[database]
connection = $(dburl glance glance)
[paste_deploy]
flavor = keystone
config_file = $RUN/etc/glance/glance-api-paste.ini
$(authtoken glance)
[oslo_concurrency]
lock_path = $RUN/lock/glance
EOF
cp "$SHARE/glance-api-paste.ini" "$RUN/etc/glance/glance-api-paste.ini"
sed -i "s|/etc/glance/healthcheck_disable|$RUN/etc/glance/healthcheck_disable|" "$RUN/etc/glance/glance-api-paste.ini"

cat > "$RUN/etc/cinder/cinder.conf" <<EOF
[DEFAULT]
debug = $DEBUG
host = cinder
my_ip = $HOST
state_path = $RUN/cinder
transport_url = $RABBIT
auth_strategy = keystone
osapi_volume_listen = $HOST
osapi_volume_listen_port = 8776
osapi_volume_workers = 1
api_paste_config = $RUN/etc/cinder/api-paste.ini
enabled_backends = fake
storage_availability_zone = nova
default_availability_zone = nova
glance_api_servers = http://$HOST:9292
report_interval = 5
[fake]
volume_driver = fake_cinder_driver.FakeVolumeDriver
volume_backend_name = fake
[database]
connection = $(dburl cinder cinder)
$(authtoken cinder)
$(ksauth nova cinder)
[oslo_concurrency]
lock_path = $RUN/lock/cinder
[oslo_messaging_notifications]
driver = noop
EOF
cp "$SHARE/cinder-api-paste.ini" "$RUN/etc/cinder/api-paste.ini"
sed -i "s|/etc/cinder/healthcheck_disable|$RUN/etc/cinder/healthcheck_disable|" "$RUN/etc/cinder/api-paste.ini"

cat > "$RUN/rabbitmq/rabbitmq.conf" <<EOF
listeners.tcp.default = $HOST:5672
loopback_users.guest = true
log.console = true
log.file = false
EOF
: > "$RUN/rabbitmq/rabbitmq-env.conf"
echo "[]." > "$RUN/rabbitmq/enabled_plugins"

# ---------------------------------------------------------------- MariaDB
if [ ! -d "$RUN/mysql/mysql" ]; then
  log "initialising MariaDB datadir"
  mariadb-install-db --no-defaults --user=root --datadir="$RUN/mysql" \
    --auth-root-authentication-method=socket --skip-test-db > "$RUN/log/mariadb-install.log" 2>&1 ||
    die "mariadb-install-db failed" "$RUN/log/mariadb-install.log"
fi
start_proc mariadb mariadbd --no-defaults --user=root --datadir="$RUN/mysql" \
  --bind-address=$HOST --port=$DB_PORT --socket="$RUN/mysql.sock" \
  --pid-file="$RUN/mysql/mariadbd.pid" --log-error="$RUN/log/mariadb-error.log" \
  --skip-name-resolve --max-connections=1000 --innodb-buffer-pool-size=256M \
  --innodb-flush-log-at-trx-commit=0 --character-set-server=utf8mb4 \
  --collation-server=utf8mb4_general_ci --skip-log-bin

# ---------------------------------------------------------------- RabbitMQ
start_proc epmd epmd -address $HOST -port 4369
sleep 0.3
start_proc rabbitmq env HOME="$RUN/rabbitmq" \
  RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=$HOST RABBITMQ_NODE_PORT=5672 \
  RABBITMQ_DIST_PORT=25672 ERL_EPMD_ADDRESS=$HOST ERL_EPMD_PORT=4369 \
  RABBITMQ_CONFIG_FILE="$RUN/rabbitmq/rabbitmq.conf" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$RUN/rabbitmq/enabled_plugins" \
  RABBITMQ_MNESIA_BASE="$RUN/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$RUN/log/rabbitmq" \
  RABBITMQ_CONF_ENV_FILE="$RUN/rabbitmq/rabbitmq-env.conf" \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
  /usr/lib/rabbitmq/bin/rabbitmq-server

wait_port $DB_PORT 60 mariadb "$RUN/log/mariadb-error.log"
log "MariaDB up"
mysql_root() { mariadb --no-defaults -uroot --socket="$RUN/mysql.sock" "$@"; }
for db in keystone placement nova_api nova nova_cell0 glance cinder; do
  user=${db%%_*}
  mysql_root -e "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4;
    CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$PW';
    CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$PW';
    GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'127.0.0.1';
    GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'localhost';"
done

# ---------------------------------------------------------------- DB schemas (in parallel)
log "db sync (keystone, placement, nova, glance, cinder in parallel)"
(
  cd "$RUN"
  KM="$RUN/bin/keystone-manage --config-file $RUN/etc/keystone/keystone.conf"
  mkdir -p "$RUN/keystone/fernet-keys" "$RUN/keystone/credential-keys"
  [ -e "$RUN/keystone/fernet-keys/0" ] || $KM fernet_setup --keystone-user root --keystone-group root
  [ -e "$RUN/keystone/credential-keys/0" ] || $KM credential_setup --keystone-user root --keystone-group root
  $KM db_sync
  $KM bootstrap --bootstrap-password "$PW" --bootstrap-username admin \
    --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
    --bootstrap-admin-url $KS/v3/ --bootstrap-internal-url $KS/v3/ --bootstrap-public-url $KS/v3/
) > "$RUN/log/keystone-db.log" 2>&1 &
p_ks=$!
"$RUN/bin/placement-manage" --config-file "$RUN/etc/placement/placement.conf" db sync > "$RUN/log/placement-db.log" 2>&1 &
p_pl=$!
(
  NM="$RUN/bin/nova-manage --config-file $RUN/etc/nova/nova.conf --config-file $RUN/etc/nova/nova-db.conf"
  $NM api_db sync
  $NM cell_v2 map_cell0 --database_connection "$(dburl nova nova_cell0)"
  cells=$($NM cell_v2 list_cells)
  grep -q ' cell1 ' <<<"$cells" || $NM cell_v2 create_cell --name cell1 --verbose
  $NM db sync
) > "$RUN/log/nova-db.log" 2>&1 &
p_nova=$!
"$RUN/bin/glance-manage" --config-file "$RUN/etc/glance/glance-api.conf" db_sync > "$RUN/log/glance-db.log" 2>&1 &
p_gl=$!
"$RUN/bin/cinder-manage" --config-file "$RUN/etc/cinder/cinder.conf" db sync > "$RUN/log/cinder-db.log" 2>&1 &
p_ci=$!

wait $p_ks || die "keystone db setup failed" "$RUN/log/keystone-db.log"
log "keystone db ready"
uwsgi_proc keystone 5000 "$RUN/wsgi/keystone.py" 2 "OS_KEYSTONE_CONFIG_DIR=$RUN/etc/keystone"

wait $p_pl || die "placement db sync failed" "$RUN/log/placement-db.log"
log "placement db ready"
uwsgi_proc placement 8778 "$RUN/wsgi/placement.py" 2 "OS_PLACEMENT_CONFIG_DIR=$RUN/etc/placement"

wait $p_gl || die "glance db sync failed" "$RUN/log/glance-db.log"
log "glance db ready"
start_proc glance-api "$RUN/bin/glance-api" --config-file "$RUN/etc/glance/glance-api.conf"

wait $p_ci || die "cinder db sync failed" "$RUN/log/cinder-db.log"
log "cinder db ready"

wait_port 5672 90 rabbitmq
log "RabbitMQ up"
C="--config-file $RUN/etc/cinder/cinder.conf"
start_proc cinder-api       "$RUN/bin/cinder-api" $C
start_proc cinder-scheduler "$RUN/bin/cinder-scheduler" $C
start_proc cinder-volume    env PYTHONPATH="$HERE" PYTHONDONTWRITEBYTECODE=1 "$RUN/bin/cinder-volume" $C

# ---------------------------------------------------------------- Keystone objects
wait_http $KS/v3 60 keystone
log "keystone up; creating projects, users, services, endpoints"
"$PY" - "$PW" <<'PYEOF' > "$RUN/log/keystone-objects.log" 2>&1 || die "creating the Keystone projects/users/endpoints failed" "$RUN/log/keystone-objects.log" "$RUN/log/keystone.log"
import sys
from keystoneauth1.identity import v3
from keystoneauth1 import session
from keystoneclient.v3 import client

pw = sys.argv[1]
KS = "http://127.0.0.1:5000"
auth = v3.Password(auth_url=KS + "/v3", username="admin", password=pw,
                   project_name="admin", user_domain_id="default",
                   project_domain_id="default")
ks = client.Client(session=session.Session(auth=auth))

def one(items, **kw):
    items = [i for i in items if all(getattr(i, k) == v for k, v in kw.items())]
    return items[0] if items else None

domain = ks.domains.get("default")
service_proj = one(ks.projects.list(), name="service") or \
    ks.projects.create("service", domain, description="Service project")
demo_proj = one(ks.projects.list(), name="demo") or ks.projects.create("demo", domain)
roles = {r.name: r for r in ks.roles.list()}
for rn in ("service", "member", "reader"):
    if rn not in roles:
        roles[rn] = ks.roles.create(rn)
for u in ("nova", "placement", "glance", "cinder"):
    user = one(ks.users.list(), name=u) or ks.users.create(u, domain=domain, password=pw)
    ks.roles.grant(roles["admin"], user=user, project=service_proj)
    ks.roles.grant(roles["service"], user=user, project=service_proj)
demo = one(ks.users.list(), name="demo") or ks.users.create("demo", domain=domain, password=pw)
ks.roles.grant(roles["member"], user=demo, project=demo_proj)
ks.roles.grant(roles["reader"], user=demo, project=demo_proj)

def endpoint(name, stype, url, desc):
    svc = one(ks.services.list(), type=stype) or ks.services.create(name, stype, description=desc)
    have = {e.interface for e in ks.endpoints.list(service=svc)}
    for iface in ("public", "internal", "admin"):
        if iface not in have:
            ks.endpoints.create(svc, url, interface=iface, region="RegionOne")

endpoint("nova", "compute", "http://127.0.0.1:8774/v2.1", "Compute")
endpoint("placement", "placement", "http://127.0.0.1:8778", "Placement")
endpoint("glance", "image", "http://127.0.0.1:9292", "Image")
endpoint("cinderv3", "volumev3", "http://127.0.0.1:8776/v3/%(project_id)s", "Block Storage v3")
endpoint("cinder", "block-storage", "http://127.0.0.1:8776/v3/%(project_id)s", "Block Storage")
print("keystone objects ok")
PYEOF
log "keystone users/services/endpoints ready"

wait $p_nova || die "nova db setup failed" "$RUN/log/nova-db.log"
log "nova dbs + cells ready"
start_proc fake-neutron "$PY" "$HERE/fake-neutron.py" 9696
N="--config-file $RUN/etc/nova/nova.conf"
ND="$N --config-file $RUN/etc/nova/nova-db.conf"
uwsgi_proc nova-api 8774 "$RUN/wsgi/nova-api.py" 2 "OS_NOVA_CONFIG_DIR=$RUN/etc/nova" "OS_NOVA_CONFIG_FILES=api-paste.ini;nova.conf;nova-db.conf"
start_proc nova-conductor "$RUN/bin/nova-conductor" $ND
start_proc nova-scheduler "$RUN/bin/nova-scheduler" $ND
for i in $(seq 1 "$NUM_COMPUTES"); do
  start_proc "nova-compute-$i" "$RUN/bin/nova-compute" $N --config-file "$RUN/etc/nova/compute-$i.conf"
done

# ---------------------------------------------------------------- wait for APIs
wait_http http://$HOST:8778/ 120 placement
wait_http http://$HOST:9292/ 120 glance-api
wait_http http://$HOST:8774/ 120 nova-api
wait_http http://$HOST:8776/ 120 cinder-api
log "placement, glance, nova, cinder APIs answering"

export OS_CLOUD=real-openstack OS_CLIENT_CONFIG_FILE="$HERE/clouds.yaml"

# ---------------------------------------------------------------- image
log "uploading image 'cirros' (if missing)"
"$PY" - "$PW" "$RUN" <<'PYEOF' > "$RUN/log/image-upload.log" 2>&1 || die "uploading the cirros image failed" "$RUN/log/image-upload.log" "$RUN/log/glance-api.log"
import sys
import openstack
pw, run = sys.argv[1], sys.argv[2]
conn = openstack.connect(auth_url="http://127.0.0.1:5000/v3", username="admin",
                         password=pw, project_name="admin", user_domain_name="Default",
                         project_domain_name="Default", region_name="RegionOne")
if not list(conn.image.images(name="cirros")):
    path = run + "/cirros.raw"
    with open(path, "wb") as f:
        f.write(b"\0" * (1024 * 1024))   # 1 MiB of zeros; fake virt never reads it
    img = conn.image.create_image(name="cirros", filename=path, disk_format="raw",
                                  container_format="bare", visibility="public",
                                  wait=True)
    print("uploaded", img.id, img.status)
else:
    print("cirros already present")
PYEOF
log "image 'cirros' present"

# ---------------------------------------------------------------- compute hosts
log "waiting for $NUM_COMPUTES nova-compute service(s) to report"
# Wait until every nova-compute has registered, then map them into cell1
# (the scheduler also does this every 5 s: discover_hosts_in_cells_interval).
for ((t = 0; t < 120; t++)); do
  n=$(mysql_root -N -e "SELECT COUNT(*) FROM nova.services WHERE deleted=0 AND \`binary\`='nova-compute' AND updated_at > UTC_TIMESTAMP() - INTERVAL 20 SECOND AND host IN (SELECT host FROM nova.compute_nodes WHERE deleted=0)" 2>/dev/null || echo 0)
  [ "$n" -ge "$NUM_COMPUTES" ] && break
  for i in $(seq 1 "$NUM_COMPUTES"); do alive "nova-compute-$i"; done
  sleep 1
done
[ "$n" -ge "$NUM_COMPUTES" ] ||
  die "only $n of $NUM_COMPUTES nova-compute services reported within 120 s" "$RUN/log/nova-compute-1.log" "$RUN/log/nova-conductor.log"
"$RUN/bin/nova-manage" $ND cell_v2 discover_hosts --verbose > "$RUN/log/discover-hosts.log" 2>&1 ||
  die "nova-manage cell_v2 discover_hosts failed" "$RUN/log/discover-hosts.log"
log "$n nova-compute service(s) up with compute nodes, mapped to cell1"

for ((t = 0; t < 60; t++)); do
  up=$(mysql_root -N -e "SELECT COUNT(*) FROM cinder.services WHERE deleted=0 AND \`binary\`='cinder-volume' AND updated_at > UTC_TIMESTAMP() - INTERVAL 20 SECOND" 2>/dev/null || echo 0)
  [ "$up" -ge 1 ] && break
  alive cinder-volume
  sleep 1
done
[ "$up" -ge 1 ] || die "cinder-volume did not report within 60 s" "$RUN/log/cinder-volume.log"
log "cinder-volume up"

log "READY in $(( $(date +%s) - T0 )) s.  export OS_CLIENT_CONFIG_FILE=$HERE/clouds.yaml OS_CLOUD=real-openstack"
