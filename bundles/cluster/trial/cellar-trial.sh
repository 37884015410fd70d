#!/usr/bin/env bash
# Issue 12, deliverable 1: tries Apache Karaf Cellar 4.2.1 (the newest release) on our Karaf 4.4.8
# distribution, as the README's "Running several nodes" reports. Two copies of the built distribution
# install Cellar and form a cluster; a route file added on node 1 is then looked for on node 2.
#
# Safety: Cellar's default hazelcast.xml joins by multicast (224.2.2.3). This script writes a
# loopback-only hazelcast.xml (multicast off, TCP/IP members 127.0.0.1:5701-5702, interface
# 127.0.0.1, phone-home off) before Cellar is installed (Karaf keeps an existing configfile), and
# runs both nodes inside a network namespace of their own that has nothing but a loopback interface
# (unshare -n, so it needs root): nothing can leave the machine even if a setting were missed.
# Cellar's artifacts are fetched first, outside the namespace, by a resolve-only (-t) install.
#
#   mvn -q install -DskipTests && bash bundles/cluster/trial/cellar-trial.sh
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root (unshare -n): refusing to run Cellar outside a private network namespace" >&2; exit 2; }
root="$(cd "$(dirname "$0")/../../.." && pwd)"
tar="$root/karaf-assembly/target/passerelle-assembly-0.1.0-SNAPSHOT.tar.gz"
work="${WORK:-/tmp/cellar-trial}"
rm -rf "$work"; mkdir -p "$work"; cd "$work"
CELLAR=mvn:org.apache.karaf.cellar/apache-karaf-cellar/4.2.1/xml/features
ENTERPRISE=mvn:org.apache.karaf.features/enterprise/4.4.8/xml/features

# copy N: a distribution with ports 186N0 (listener), 186N1 (ssh), 186N2/186N3 (rmi)
copy() {
    local d="n$1" n="$1"
    mkdir "$d"; tar xzf "$tar" -C "$d" --strip-components=1
    sed -i -e 's/^#karaf = karaf,_g_:admingroup/karaf = karaf,_g_:admingroup/' \
        -e 's/^#_g_\\:admingroup = /_g_\\:admingroup = /' "$d/etc/users.properties"
    sed -i -E "s/^sshPort *= *.*/sshPort = 186${n}1/" "$d/etc/org.apache.karaf.shell.cfg"
    sed -i -E "s/^rmiRegistryPort *= *.*/rmiRegistryPort = 186${n}2/; s/^rmiServerPort *= *.*/rmiServerPort = 186${n}3/" \
        "$d/etc/org.apache.karaf.management.cfg"
    sed -i -E "s/^port = .*/port = 186${n}0/; s/^host = .*/host = 127.0.0.1/" "$d/etc/io.passerelle.listener-main.cfg"
    sed -i "s#^featuresRepositories = \\\\#featuresRepositories = $ENTERPRISE, $CELLAR, \\\\#" "$d/etc/org.apache.karaf.features.cfg"
    printf 'hazelcast.phone.home.enabled = false\n' >> "$d/etc/system.properties"
}
c() { local d="$1"; shift; echo | "$d/bin/client" -a "186${d#n}1" -u karaf -p karaf -r 30 -d 2 "$@" 2>&1 | grep -v JAVA_HOME || true; }
start() { (cd "$1" && KARAF_EXEC=exec nohup bin/karaf server > karaf.out 2>&1 < /dev/null &); }
stop() { c "$1" "system:shutdown -f" >/dev/null; }

# 1. fetch Cellar and what it needs into ~/.m2 (resolve only: nothing of Cellar starts here)
copy 0; start n0
c n0 "feature:install -t cellar" >/dev/null
sleep 20   # the resolve-only install logs its bundle list when done
stop n0
for a in cfg:groups cfg:node xml:hazelcast; do
    mvn -q dependency:get -Dartifact="org.apache.karaf.cellar:apache-karaf-cellar:4.2.1:${a}" >/dev/null
done
mvn -q dependency:get -Dartifact=org.apache.karaf.cellar:org.apache.karaf.cellar.config:4.2.1 >/dev/null

# 2. a loopback-only hazelcast.xml and node config (config.listener: local changes are sent)
m2=~/.m2/repository/org/apache/karaf/cellar/apache-karaf-cellar/4.2.1
python3 - "$m2/apache-karaf-cellar-4.2.1-hazelcast.xml" > hazelcast.xml <<'PY'
import re, sys
s = open(sys.argv[1]).read()
s = s.replace('<multicast enabled="true">', '<multicast enabled="false">')
s = re.sub(r'<tcp-ip enabled="false">\s*<interface>127.0.0.1</interface>\s*</tcp-ip>',
           '<tcp-ip enabled="true"><member>127.0.0.1:5701</member><member>127.0.0.1:5702</member></tcp-ip>', s)
s = re.sub(r'<interfaces enabled="false">\s*<interface>10.10.1.\*</interface>',
           '<interfaces enabled="true"><interface>127.0.0.1</interface>', s)
s = s.replace('<properties>', '<properties><property name="hazelcast.phone.home.enabled">false</property>'
              '<property name="hazelcast.socket.bind.any">false</property>', 1)
assert 'multicast enabled="true"' not in s and 'tcp-ip enabled="true"' in s
print(s)
PY
for n in 1 2; do
    copy $n
    cp hazelcast.xml "n$n/etc/hazelcast.xml"
    sed 's/^config.listener *=.*/config.listener = true/' "$m2/apache-karaf-cellar-4.2.1-node.cfg" > "n$n/etc/org.apache.karaf.cellar.node.cfg"
done

# 3. the trial, in a network namespace with only a loopback interface
cat > inside.sh <<'SH'
set -u
ip link set lo up
c() { local d="$1"; shift; echo | "$d/bin/client" -a "186${d#n}1" -u karaf -p karaf -r 30 -d 2 "$@" 2>&1 | grep -v JAVA_HOME || true; }
mkdir -p www/trial; echo hello-from-backend > www/trial/index.html
(cd www && exec python3 -m http.server 18700 --bind 127.0.0.1 > /dev/null 2>&1) & web=$!
for n in 1 2; do (cd n$n && KARAF_EXEC=exec nohup bin/karaf server > karaf.out 2>&1 < /dev/null &); done
for n in 1 2; do
    c n$n "feature:install config"
    c n$n "feature:install cellar"
done
sleep 20
echo "== cluster:node-list on node 1"; c n1 "cluster:node-list"
echo "== Cellar bundles on node 1"; c n1 "bundle:list -s" | grep -i cellar
echo "== installing Cellar's configuration module by hand"
c n1 "bundle:install -s mvn:org.apache.karaf.cellar/org.apache.karaf.cellar.config/4.2.1"
printf 'path = /trial\nurl = http://127.0.0.1:18700/trial/\n' > n1/etc/io.passerelle.route-trial.cfg
sleep 10
echo "== node 1 serves /trial: $(curl -s -m 3 -o /dev/null -w '%{http_code}' http://127.0.0.1:18610/trial/)"
echo "== node 2 serves /trial: $(curl -s -m 3 -o /dev/null -w '%{http_code}' http://127.0.0.1:18620/trial/)"
echo "== proxy:routes on node 2"; c n2 "proxy:routes"
echo "== sockets not on loopback (none expected)"; ss -Htulnp | grep -v '127.0.0.1' || true
for n in 1 2; do c n$n "system:shutdown -f" > /dev/null; done
kill $web
SH
timeout 600 unshare -n bash inside.sh
