#!/usr/bin/env bash
# Stand-in base images for a machine with a Docker engine but no Docker Hub (docs/docker-verification.md).
# NOT what users run: they pull the real node, redis and neo4j images. Needs root, debootstrap and docker.
#   scripts/docker-stand-in-images.sh [node] [redis] [neo4j]      (no argument: all three)
# Tags, each built only from a Debian mirror, this machine's Node 20, the npm registry and Maven Central:
#   debian:bookworm-slim     debootstrap --variant=minbase bookworm, imported
#   node:20-bookworm-slim    + this machine's node 20 binary, npm from the registry, user node (uid/gid 1000)
#   redis:7.4-alpine         + Debian's redis-server (7.0, not 7.4; Debian, not Alpine)
#   neo4j:5.26-community     + Debian's JRE 17 and this repo's Neo4j launcher (scripts/neo4j.mjs: Neo4j 5.26
#                            Community jars from Maven Central, Bolt only, no HTTP/Browser), NEO4J_AUTH and the
#                            two memory settings compose uses, and a minimal cypher-shell for the healthcheck
# STAND_IN_DIR (default /tmp/drama-stand-ins) holds the debootstrap tree and build contexts;
# DEBIAN_MIRROR defaults to http://deb.debian.org/debian; STAND_IN_NPM to npm@10.8.2 (what node:20 images ship);
# STAND_IN_CA (default /etc/ssl/certs/ca-certificates.crt) is the CA bundle npm in the node stand-in trusts.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${STAND_IN_DIR:-/tmp/drama-stand-ins}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
NPM_SPEC=${STAND_IN_NPM:-npm@10.8.2}
WHAT=("$@")
[ ${#WHAT[@]} -eq 0 ] && WHAT=(node redis neo4j)

say() { echo "stand-in: $*" >&2; }
die() { say "$*"; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap)"
command -v debootstrap >/dev/null || die "apt-get install debootstrap"
docker info >/dev/null 2>&1 || die "no Docker engine answers (docker info)"
mkdir -p "$DIR"

debian() {
  if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
    if [ ! -e "$DIR/base/.complete" ]; then
      rm -rf "$DIR/base"
      say "debootstrap bookworm from $MIRROR"
      debootstrap --variant=minbase bookworm "$DIR/base" "$MIRROR" >&2
      rm -rf "$DIR/base/var/lib/apt/lists/"* "$DIR/base/var/cache/apt/"*.bin
      touch "$DIR/base/.complete"
    fi
    say "import debian:bookworm-slim"
    tar -C "$DIR/base" --exclude=./.complete --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . |
      docker import -c 'CMD ["bash"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        -m "stand-in: debootstrap --variant=minbase bookworm $MIRROR" - debian:bookworm-slim >&2
  fi
}

node_image() {
  local ctx="$DIR/node" node_bin version
  node_bin=$(command -v node) || die "no node on PATH"
  version=$("$node_bin" -p process.versions.node)
  [ "${version%%.*}" = 20 ] || die "node on PATH is $version, not 20"
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp "$node_bin" "$ctx/node"
  say "npm pack $NPM_SPEC"
  (cd "$ctx" && npm pack --silent "$NPM_SPEC" >/dev/null && mkdir npm && tar -xzf npm-*.tgz -C npm --strip-components=1 && rm npm-*.tgz)
  # Where the network re-signs TLS (SELF_SIGNED_CERT_IN_CHAIN), npm in the image needs this machine's CAs.
  cp "${STAND_IN_CA:-/etc/ssl/certs/ca-certificates.crt}" "$ctx/ca-certificates.crt"
  cat >"$ctx/Dockerfile" <<EOF
FROM debian:bookworm-slim
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /usr/local/share/stand-in-ca-certificates.crt
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && npm config set --location=global cafile /usr/local/share/stand-in-ca-certificates.crt \\
 && node --version && npm --version
ENV NODE_VERSION=$version
LABEL org.drama-graph.stand-in="node $version from the build machine, $NPM_SPEC, debootstrap bookworm"
CMD ["node"]
EOF
  say "build node:20-bookworm-slim (node $version)"
  docker build -q -t node:20-bookworm-slim "$ctx" >&2
}

redis_image() {
  local ctx="$DIR/redis"
  rm -rf "$ctx" && mkdir -p "$ctx"
  # As the official image's entrypoint does: redis-server without a config file gets --protected-mode no,
  # else it refuses every client from another container.
  cat >"$ctx/entrypoint.sh" <<'EOF'
#!/bin/sh
if [ "${1:-}" = redis-server ] && ! printf '%s\n' "$@" | grep -q -e '^--protected-mode$' -e '\.conf$'; then
  set -- "$@" --protected-mode no
fi
exec "$@"
EOF
  cat >"$ctx/Dockerfile" <<'EOF'
FROM debian:bookworm-slim
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN apt-get update && apt-get install -y --no-install-recommends redis-server redis-tools \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data \
 && chmod 755 /usr/local/bin/docker-entrypoint.sh
WORKDIR /data
USER redis
LABEL org.drama-graph.stand-in="Debian bookworm redis-server, not redis:7.4-alpine"
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
EOF
  say "build redis:7.4-alpine (Debian redis-server)"
  docker build -q -t redis:7.4-alpine "$ctx" >&2
}

neo4j_image() {
  local ctx="$DIR/neo4j" m2="${HOME}/.m2/repository"
  rm -rf "$ctx" && mkdir -p "$ctx/cypher-shell"
  (cd "$ROOT" && node scripts/neo4j.mjs build)
  cp -a "$ROOT/neo4j/target/neo4j-launcher.jar" "$ROOT/neo4j/target/lib" "$ctx/"
  # The launcher's classpath holds no Bolt client: the Java driver (Maven Central) checks the login.
  cat >"$ctx/pom.xml" <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>stand-in</groupId><artifactId>cypher-shell</artifactId><version>0</version>
  <dependencies>
    <dependency><groupId>org.neo4j.driver</groupId><artifactId>neo4j-java-driver</artifactId><version>5.28.15</version></dependency>
  </dependencies>
</project>
EOF
  mvn -B -q -f "$ctx/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$ctx/cypher-shell" >&2
  rm "$ctx/pom.xml"
  cat >"$ctx/cypher-shell/CypherShell.java" <<'EOF'
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.GraphDatabase;

/**
 * cypher-shell [-u USER] [-p PASSWORD] [-a URI] QUERY: runs QUERY, prints the first column of each row. As the
 * real one, it takes the login from NEO4J_USERNAME and NEO4J_PASSWORD (and NEO4J_ADDRESS/NEO4J_URI) when no option gives it.
 */
public final class CypherShell {
  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  public static void main(String[] args) {
    String user = env("NEO4J_USERNAME", "neo4j"), password = env("NEO4J_PASSWORD", "");
    String uri = env("NEO4J_ADDRESS", env("NEO4J_URI", "bolt://127.0.0.1:7687")), query = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-u" -> user = args[++i];
        case "-p" -> password = args[++i];
        case "-a" -> uri = args[++i];
        default -> query = args[i];
      }
    }
    try (var driver = GraphDatabase.driver(uri, AuthTokens.basic(user, password)); var session = driver.session()) {
      session.run(query == null ? "RETURN 1" : query).list().forEach(r -> System.out.println(r.get(0)));
    } catch (Exception e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
EOF
  javac -d "$ctx/cypher-shell" -cp "$ctx/cypher-shell/*" "$ctx/cypher-shell/CypherShell.java"
  cat >"$ctx/entrypoint.sh" <<'EOF'
#!/bin/sh
# NEO4J_AUTH=neo4j/PASSWORD or none; heap and page cache from the settings the real image reads.
set -e
case "${NEO4J_AUTH:-}" in
  none) NEO4J_PASSWORD= ;;
  neo4j/?*) NEO4J_PASSWORD=${NEO4J_AUTH#neo4j/} ;;
  *) echo "NEO4J_AUTH must be neo4j/<password> or none" >&2; exit 1 ;;
esac
export NEO4J_PASSWORD NEO4J_LISTEN_ADDRESS=0.0.0.0
heap=${NEO4J_server_memory_heap_max__size:-1g}
pagecache=${NEO4J_server_memory_pagecache_size:-256m}
case "$pagecache" in *g) NEO4J_PAGECACHE_MB=$(( ${pagecache%g} * 1024 )) ;; *m) NEO4J_PAGECACHE_MB=${pagecache%m} ;; *) NEO4J_PAGECACHE_MB=$pagecache ;; esac
export NEO4J_PAGECACHE_MB
exec java -Xms256m "-Xmx$heap" -XX:+UseG1GC --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  -Dio.netty.tryReflectionSetAccessible=true -jar /opt/neo4j/neo4j-launcher.jar /data 7687
EOF
  cat >"$ctx/Dockerfile" <<'EOF'
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* && groupadd --gid 7474 neo4j && useradd --uid 7474 --gid neo4j neo4j \
 && mkdir -p /data && chown neo4j:neo4j /data
COPY neo4j-launcher.jar /opt/neo4j/
COPY lib /opt/neo4j/lib
COPY cypher-shell /opt/cypher-shell
COPY entrypoint.sh /opt/neo4j/
RUN chmod 755 /opt/neo4j/entrypoint.sh \
 && printf '#!/bin/sh\nexec java -cp "/opt/cypher-shell:/opt/cypher-shell/*" CypherShell "$@"\n' > /usr/local/bin/cypher-shell \
 && chmod 755 /usr/local/bin/cypher-shell
VOLUME /data
USER neo4j
LABEL org.drama-graph.stand-in="Neo4j 5.26 Community jars (Maven Central) in this repo's launcher; Bolt only"
EXPOSE 7687
CMD ["/opt/neo4j/entrypoint.sh"]
EOF
  say "build neo4j:5.26-community (launcher from Maven Central jars)"
  docker build -q -t neo4j:5.26-community "$ctx" >&2
}

debian
for what in "${WHAT[@]}"; do
  case "$what" in
    node) node_image ;;
    redis) redis_image ;;
    neo4j) neo4j_image ;;
    *) die "unknown image $what (node, redis, neo4j)" ;;
  esac
done
docker image ls --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}' | grep -E '^(debian|node|redis|neo4j):' >&2
