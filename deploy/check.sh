#!/usr/bin/env bash
# Validates every file of deploy/ offline, with no Docker engine and no cluster (Debian 12):
#
#   deploy/check.sh            (also run by `deploy/dev.sh test`)
#
# Dockerfile, compose.yaml, nginx.conf, nginx-tls.example.conf, k8s/*.yaml,
# systemd/inmaek.service, README.md and the shell scripts; deploy/README.md ("Validating this
# folder") lists what is checked. The configuration files are also loaded by the real binary
# (`build/inmaek config`, or INMAEK_BIN) when it has been built. Exits non-zero when anything
# fails, after printing every failure.
#
# Installs what it lacks from Debian with apt-get (as root or through sudo): python3-yaml,
# docker-compose, systemd (for systemd-analyze), openssl. nginx is not installed: its .deb is
# unpacked into build/deploy-check/ so that no web server gets started on this machine.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
# The system Python (python3-yaml belongs to it), not a pyenv or virtualenv one on PATH.
readonly PY=/usr/bin/python3
readonly INMAEK="${INMAEK_BIN:-$ROOT/build/inmaek}"
readonly CACHE="$ROOT/build/deploy-check"
readonly PACKAGES=(python3-yaml docker-compose systemd openssl)

WORK="$(mktemp -d)"
readonly WORK
trap 'rm -rf "$WORK"' EXIT

failures=()
notes=()

step() { printf '\n==> %s\n' "$*" >&2; }
note() { printf '  note: %s\n' "$*" >&2; notes+=("$*"); }
die() { printf 'check.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        printf 'check.sh: need root (or sudo) to run: %s\n' "$*" >&2
        return 1
    fi
}

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

apt_lists_present() {
    compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

install_tools() {
    step "checking the tools (${PACKAGES[*]})"
    local missing=() package
    for package in "${PACKAGES[@]}"; do
        installed "$package" || missing+=("$package")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "all ${#PACKAGES[@]} packages present" >&2
    else
        step "installing: ${missing[*]}"
        { as_root env DEBIAN_FRONTEND=noninteractive apt-get update \
            && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
                --no-install-recommends "${missing[@]}"; } >&2 \
            || echo "check.sh: could not install ${missing[*]}; the checks needing them fail" >&2
    fi
    # The Dockerfile check asks apt-cache about packages this machine need not have installed.
    if ! apt_lists_present; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update >&2 \
            || echo "check.sh: no apt package lists; the Dockerfile package check fails" >&2
    fi
}

# Runs one named check; a failure is recorded and the next check runs.
run() {
    local name="$1"
    shift
    step "$name"
    if "$@"; then
        printf '  passed: %s\n' "$name" >&2
    else
        printf '  FAILED: %s\n' "$name" >&2
        failures+=("$name")
    fi
}

# ---- structural checks (Python + PyYAML; configurations loaded by build/inmaek) ----------------

# One program, one area per call: dockerfile, compose, k8s, systemd, readme.
read -r -d '' PYCHECK <<'PY' || true
import json, os, re, subprocess, sys, tomllib

import yaml

ROOT, INMAEK, WORK, AREA = sys.argv[1:5]
DEPLOY = os.path.join(ROOT, "deploy")
failed = []


def ok(msg):
    print(f"  ok    {msg}", file=sys.stderr)


def fail(msg):
    print(f"  FAIL  {msg}", file=sys.stderr)
    failed.append(msg)


def check(cond, msg):
    (ok if cond else fail)(msg)
    return bool(cond)


def note(msg):
    print(f"  note  {msg}", file=sys.stderr)


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def have_inmaek():
    if os.access(INMAEK, os.X_OK):
        return True
    note(f"{INMAEK} not built: configuration not loaded by inmaek (build first)")
    return False


def inmaek_config(toml_path, env):
    """`inmaek --config FILE config` in a clean environment plus env; (status, output)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INMAEK_")}
    clean.update(env)
    p = subprocess.run([INMAEK, "--config", toml_path, "config"], env=clean, cwd=WORK,
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def project_version():
    m = re.search(r"project\(inmaek VERSION ([0-9.]+)", read("CMakeLists.txt"))
    return m.group(1) if m else None


EXAMPLE = read("deploy", "inmaek.example.toml")
KNOWN_ENV = set(re.findall(r"\bINMAEK_[A-Z0-9_]*[A-Z0-9]\b", EXAMPLE))


def example_keys():
    """{section: {key}} of the example, the commented *_file keys included."""
    keys, section = {}, None
    for line in EXAMPLE.splitlines():
        m = re.match(r"^\[([a-z_]+)\]\s*$", line)
        if m:
            section = m.group(1)
            keys[section] = set()
            continue
        m = re.match(r"^#?\s?([a-z_]+) = ", line)
        if m and section:
            keys[section].add(m.group(1))
    return keys


def example_value(section, key):
    return tomllib.loads(EXAMPLE)[section][key]


def listen_port(listen):
    return int(listen.rsplit(":", 1)[1])


SECRET_KEYS = {("telegram", "secret_token"), ("generic", "secret")}
DUMMY_URL = "postgresql://host=postgres port=5432 dbname=inmaek user=inmaek password=dummy-pw"


def known_env(name):
    return name in KNOWN_ENV


# ---- Dockerfile --------------------------------------------------------------------------------

INSTRUCTIONS = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
                "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK",
                "SHELL"}


def parse_dockerfile(text):
    instrs, buf, start = [], "", 0
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith("#") or (not buf and not stripped):
            continue  # comments (also inside a continued instruction) and blank lines
        if not buf:
            start = number
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        buf += line
        instrs.append((start, buf.strip()))
        buf = ""
    if buf:
        fail(f"Dockerfile: line {start}: continuation never ends")
    return instrs


def apt_installs(run_text):
    """Package names of every `apt-get install` in one RUN."""
    pkgs = []
    for m in re.finditer(r"apt-get install((?:\s+[^\s&;|]+)+)", run_text):
        pkgs += [t for t in m.group(1).split() if not t.startswith("-")]
    return pkgs


def dev_sh_packages():
    m = re.search(r"readonly PACKAGES=\((.*?)\n\)", read("deploy", "dev.sh"), re.S)
    return [t for line in m.group(1).splitlines() for t in line.split("#")[0].split()] if m else []


def apt_candidate(pkg):
    p = subprocess.run(["apt-cache", "policy", pkg], capture_output=True, text=True)
    m = re.search(r"Candidate: (\S+)", p.stdout)
    return m.group(1) if m and m.group(1) != "(none)" else None


def apt_closure(pkgs):
    p = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                        "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"] + pkgs,
                       capture_output=True, text=True)
    return {line.split(":")[0] for line in p.stdout.splitlines()
            if line and not line.startswith(" ") and not line.startswith("<")}


def exec_form(args, what):
    try:
        value = json.loads(args)
    except ValueError:
        fail(f"Dockerfile: {what} is not valid JSON exec form: {args}")
        return None
    check(isinstance(value, list) and all(isinstance(v, str) for v in value),
          f"Dockerfile: {what} is a JSON array of strings")
    return value


def check_dockerfile():
    instrs = parse_dockerfile(read("deploy", "Dockerfile"))
    stages = []
    for line, text in instrs:
        keyword, _, args = text.partition(" ")
        if keyword not in INSTRUCTIONS:
            fail(f"Dockerfile: line {line}: unknown instruction {keyword}")
            continue
        if keyword == "FROM":
            stages.append({"from": args.strip(), "instrs": []})
        elif not stages:
            fail(f"Dockerfile: line {line}: {keyword} before FROM")
            continue
        stages[-1]["instrs"].append((line, keyword, args.strip()))
    if not check(len(stages) == 2, f"Dockerfile: two stages ({len(stages)} found)"):
        return
    build, runtime = stages
    check(re.fullmatch(r"debian:bookworm AS build", build["from"]),
          f"Dockerfile: stage 1 is 'debian:bookworm AS build' ({build['from']})")
    check(runtime["from"] == "debian:bookworm-slim",
          f"Dockerfile: stage 2 is debian:bookworm-slim ({runtime['from']})")

    def of(stage, keyword):
        return [(line, args) for line, kw, args in stage["instrs"] if kw == keyword]

    # Both stages: apt-get hygiene.
    for number, stage in ((1, build), (2, runtime)):
        for line, args in of(stage, "RUN"):
            if "apt-get install" in args:
                check("apt-get update" in args and "rm -rf /var/lib/apt/lists" in args
                      and "--no-install-recommends" in args and " -y" in args,
                      f"Dockerfile: line {line}: apt-get update, install -y "
                      "--no-install-recommends and list cleanup in one RUN")

    # Stage 1: the packages of dev.sh, the release preset without tests.
    build_pkgs = [p for _, a in of(build, "RUN") for p in apt_installs(a)]
    dev = dev_sh_packages()
    check(dev, "deploy/dev.sh: PACKAGES list found")
    extra = [p for p in build_pkgs if p not in dev]
    check(not extra, f"Dockerfile: build packages are all in deploy/dev.sh PACKAGES {extra or ''}")
    missing = [p for p in dev if p.endswith("-dev") and p not in build_pkgs
               and p not in ("libgtest-dev", "libgmock-dev")]
    check(not missing, f"Dockerfile: every library -dev package of dev.sh is built with "
          f"{missing or ''}")
    runs = " ".join(a for _, a in of(build, "RUN"))
    check("cmake --preset release -DINMAEK_BUILD_TESTS=OFF" in runs
          and "cmake --build --preset release" in runs,
          "Dockerfile: cmake --preset release -DINMAEK_BUILD_TESTS=OFF, cmake --build --preset release")
    presets = json.loads(read("CMakePresets.json"))
    configure = {p["name"]: p for p in presets.get("configurePresets", [])}
    check("release" in configure and configure["release"].get("binaryDir") == "${sourceDir}/build"
          and any(p["name"] == "release" for p in presets.get("buildPresets", [])),
          "CMakePresets.json: configure and build preset 'release' into ${sourceDir}/build")
    workdirs = of(build, "WORKDIR")
    src = workdirs[-1][1] if workdirs else "/"
    for line, args in of(build, "COPY") + of(runtime, "COPY"):
        parts = [a for a in args.split() if not a.startswith("--")]
        if args.startswith("--from"):
            continue
        for source in parts[:-1]:
            check(os.path.exists(os.path.join(ROOT, source)),
                  f"Dockerfile: line {line}: COPY source {source} exists in the repository")

    # The container configuration: the Dockerfile's own sed over the example.
    sed_run = next((a for _, a in of(build, "RUN") if "inmaek.container.toml" in a), None)
    container_toml = os.path.join(WORK, "inmaek.container.toml")
    listen = None
    if check(sed_run, "Dockerfile: a RUN writes inmaek.container.toml"):
        exprs = re.findall(r"-e '([^']*)'", sed_run)
        with open(container_toml, "w") as out:
            subprocess.run(["sed"] + [x for e in exprs for x in ("-e", e)]
                           + [os.path.join(DEPLOY, "inmaek.example.toml")], stdout=out, check=True)
        lines = open(container_toml).read().splitlines()
        for wanted in re.findall(r"grep -qx '([^']*)'", sed_run):
            check(wanted in lines, f"container config: the sed produced the line {wanted}")
        conf = tomllib.loads(open(container_toml).read())
        listen = conf["server"]["listen"]
        if have_inmaek():
            status, out = inmaek_config(container_toml, {})
            check(status == 0 and f"listen {listen}" in out
                  and "sqlite3://db=/var/lib/inmaek/inmaek.db" in out,
                  "container config: `inmaek config` loads it (listen, SQLite in the volume)"
                  + ("" if status == 0 else f"\n{out}"))
    port = listen_port(listen) if listen else 8080

    # Stage 2: runtime packages exist in Debian 12 and cover every linked library.
    rt_pkgs = [p for _, a in of(runtime, "RUN") for p in apt_installs(a)]
    unknown = [p for p in rt_pkgs if not apt_candidate(p)]
    check(not unknown, f"Dockerfile: runtime packages exist in apt ({len(rt_pkgs)}) "
          f"{('unknown: ' + ' '.join(unknown)) if unknown else ''}")
    for needed in ("libsoci-postgresql4.0", "tzdata", "ca-certificates", "curl"):
        check(needed in rt_pkgs, f"Dockerfile: runtime installs {needed}")
    if have_inmaek():
        ldd = subprocess.run(["ldd", INMAEK], capture_output=True, text=True).stdout
        libs = re.findall(r"=> (/\S+)", ldd)
        owners = set()
        for lib in libs:
            p = subprocess.run(["dpkg", "-S", os.path.realpath(lib)], capture_output=True,
                               text=True)
            if p.returncode != 0:
                p = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True)
            if p.returncode != 0:
                fail(f"Dockerfile: no Debian package owns {lib}")
                continue
            owners.add(p.stdout.split(":")[0])
        provided = apt_closure(rt_pkgs) | {"libc6", "libgcc-s1", "libstdc++6"}
        uncovered = sorted(owners - provided)
        check(not uncovered, f"Dockerfile: runtime packages provide all {len(libs)} libraries "
              f"of ldd {INMAEK} ({' '.join(sorted(owners))})"
              + (f"; missing: {' '.join(uncovered)}" if uncovered else ""))
        check("not found" not in ldd, "build/inmaek: ldd finds every library on this machine")

    # Runtime settings.
    users = of(runtime, "USER")
    user = users[-1][1] if users else "root"
    m = re.fullmatch(r"(\d+)(?::(\d+))?", user)
    check(m and int(m.group(1)) != 0, f"Dockerfile: USER is numeric and not root ({user})")
    if m:
        check(any(f"--uid {m.group(1)}" in a for _, a in of(runtime, "RUN")),
              f"Dockerfile: a user with uid {m.group(1)} is created")
    check(any(a == "/var/lib/inmaek" for _, a in of(runtime, "WORKDIR")),
          "Dockerfile: WORKDIR /var/lib/inmaek")
    volumes = [v for _, a in of(runtime, "VOLUME")
               for v in (exec_form(a, "VOLUME") or [] if a.startswith("[") else a.split())]
    check("/var/lib/inmaek" in volumes, "Dockerfile: VOLUME /var/lib/inmaek")
    exposed = [a.split("/")[0] for _, e in of(runtime, "EXPOSE") for a in e.split()]
    check(exposed == [str(port)], f"Dockerfile: EXPOSE {port}, the port of server.listen "
          f"({exposed})")
    health = of(runtime, "HEALTHCHECK")
    if check(len(health) == 1, "Dockerfile: one HEALTHCHECK"):
        _, args = health[0]
        cmd = args.split(" CMD ", 1)[1].strip() if " CMD " in f" {args}" else ""
        form = exec_form(cmd, "HEALTHCHECK CMD") or []
        check(form[:1] == ["curl"] and "-fsS" in form, "Dockerfile: HEALTHCHECK runs curl -fsS")
        check(f"http://127.0.0.1:{port}/healthz" in form,
              f"Dockerfile: HEALTHCHECK probes http://127.0.0.1:{port}/healthz")
    copies = {a.split()[-1]: a for _, a in of(runtime, "COPY")}
    entry = of(runtime, "ENTRYPOINT")
    if check(len(entry) == 1, "Dockerfile: one ENTRYPOINT"):
        form = exec_form(entry[0][1], "ENTRYPOINT") or [""]
        check(form[0] in copies and "--from=build" in copies[form[0]],
              f"Dockerfile: ENTRYPOINT runs the binary copied from the build stage ({form[0]})")
        if "--config" in form:
            config = form[form.index("--config") + 1]
            check(config in copies and "inmaek.container.toml" in copies[config],
                  f"Dockerfile: ENTRYPOINT --config {config} is the container configuration")
        else:
            fail("Dockerfile: ENTRYPOINT passes --config")
    cmds = of(runtime, "CMD")
    check(len(cmds) == 1 and exec_form(cmds[0][1], "CMD") == ["serve"], 'Dockerfile: CMD ["serve"]')
    check(any(a == "SIGTERM" for _, a in of(runtime, "STOPSIGNAL")), "Dockerfile: STOPSIGNAL SIGTERM")


# ---- compose.yaml + nginx.conf ----------------------------------------------------------------

def env_dict(env):
    if isinstance(env, list):
        return dict(e.split("=", 1) if "=" in e else (e, "") for e in env)
    return {k: "" if v is None else str(v) for k, v in (env or {}).items()}


def interpolate(value):
    """${VAR:-default} / ${VAR-default} / ${VAR:?msg} with VAR unset."""
    return re.sub(r"\$\{[A-Z0-9_]+(?::?-([^}]*)|:?\?[^}]*)?\}", lambda m: m.group(1) or "", value)


def secret_names(service):
    return {s if isinstance(s, str) else s.get("source") for s in service.get("secrets", [])}


def dummy_secret(path, name):
    with open(path, "w") as f:
        f.write(DUMMY_URL if "database" in name else "dummy_Secret-123\n")


def nginx_blocks(text):
    """upstream name -> servers, location -> proxy_pass (comments removed)."""
    text = re.sub(r"#[^\n]*", "", text)
    upstreams = {m.group(1): re.findall(r"\bserver\s+(\S+?)[\s;]", m.group(2))
                 for m in re.finditer(r"upstream\s+(\S+)\s*\{([^}]*)\}", text)}
    locations = {m.group(1).strip(): (re.search(r"proxy_pass\s+([^;\s]+)", m.group(2)) or
                                      re.search(r"(return\s+\d+)", m.group(2)) or [None, None])[1]
                 for m in re.finditer(r"location\s+([^{]+)\{([^}]*)\}", text)}
    size = re.search(r"client_max_body_size\s+(\d+)([kKmM]?)\s*;", text)
    limit = None
    if size:
        limit = int(size.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[size.group(2).lower()]
    return upstreams, locations, limit


def check_compose():
    compose = yaml.safe_load(read("deploy", "compose.yaml"))
    services = compose.get("services", {})
    version = project_version()
    for name in ("postgres", "migrate", "proxy"):
        check(name in services, f"compose: service {name}")
    inmaek = {n: s for n, s in services.items() if str(s.get("image", "")).startswith("inmaek:")}
    replicas = [n for n, s in inmaek.items() if s.get("command") in (None, ["serve"], "serve")]
    check(len(replicas) >= 2, f"compose: at least two inmaek replicas ({' '.join(replicas)})")
    top_secrets = compose.get("secrets", {}) or {}
    for name, spec in top_secrets.items():
        check(isinstance(spec, dict) and "file" in spec, f"compose: secret {name} is a file")

    pg = services.get("postgres", {})
    pg_env = env_dict(pg.get("environment"))
    check(re.match(r"postgres:15([-.]|$)", str(pg.get("image", ""))),
          f"compose: postgres image is PostgreSQL 15 ({pg.get('image')})")
    check("pg_isready" in " ".join(map(str, (pg.get("healthcheck") or {}).get("test", []))),
          "compose: postgres health check runs pg_isready")
    pw = pg_env.get("POSTGRES_PASSWORD_FILE", "")
    check(pw.startswith("/run/secrets/") and pw.rsplit("/", 1)[1] in secret_names(pg)
          and pw.rsplit("/", 1)[1] in top_secrets and "POSTGRES_PASSWORD" not in pg_env,
          "compose: postgres password from a declared secret file (POSTGRES_PASSWORD_FILE)")
    pg_volumes = [str(v) for v in pg.get("volumes", [])]
    named = [v.split(":")[0] for v in pg_volumes if v.endswith(":/var/lib/postgresql/data")]
    check(named and named[0] in (compose.get("volumes") or {}),
          "compose: postgres data in a declared named volume")
    url = f"postgresql://host=postgres port=5432 dbname={pg_env.get('POSTGRES_DB')} " \
          f"user={pg_env.get('POSTGRES_USER')}"
    check(url in read("deploy", "README.md"),
          f"compose: deploy/README.md writes the database URL as {url} …")

    container_toml = os.path.join(WORK, "inmaek.container.toml")
    can_load = os.path.exists(container_toml) and have_inmaek()
    for name, service in inmaek.items():
        check(service.get("image") == f"inmaek:{version}",
              f"compose: {name} image inmaek:{version} (project version)")
        build = service.get("build") or {}
        check(os.path.realpath(os.path.join(DEPLOY, build.get("context", "?"))) == ROOT
              and build.get("dockerfile") == "deploy/Dockerfile",
              f"compose: {name} builds deploy/Dockerfile from the repository root")
        env = env_dict(service.get("environment"))
        unknown = [k for k in env if not known_env(k)]
        check(not unknown, f"compose: {name}: every INMAEK_* variable is a documented key "
              f"{unknown or ''}")
        check("INMAEK_DATABASE_URL_FILE" in env or "INMAEK_DATABASE_URL" in env,
              f"compose: {name} gets the database URL")
        mapped = {}
        for key, value in env.items():
            if key.endswith("_FILE"):
                secret = value.rsplit("/", 1)[-1]
                check(value == f"/run/secrets/{secret}" and secret in secret_names(service)
                      and secret in top_secrets,
                      f"compose: {name}: {key} is the declared secret {secret}")
                mapped[key] = os.path.join(WORK, f"secret-{secret}")
                dummy_secret(mapped[key], secret)
            else:
                mapped[key] = interpolate(value)
        deps = service.get("depends_on") or {}
        check(isinstance(deps, dict) and deps.get("postgres", {}).get("condition")
              == "service_healthy", f"compose: {name} waits for postgres to be healthy")
        check(service.get("read_only") is True and "ALL" in service.get("cap_drop", []),
              f"compose: {name} read-only root, all capabilities dropped")
        if name in replicas:
            check(deps.get("migrate", {}).get("condition") == "service_completed_successfully",
                  f"compose: {name} starts after migrate completed")
            test = [str(t) for t in (service.get("healthcheck") or {}).get("test", [])]
            check(test[:2] == ["CMD", "curl"] and "http://127.0.0.1:8080/healthz" in test,
                  f"compose: {name} health check curls /healthz on 8080")
        if can_load:
            status, out = inmaek_config(container_toml, mapped)
            check(status == 0 and "postgresql://host=postgres" in out and "dummy-pw" not in out,
                  f"compose: {name}: `inmaek config` accepts its environment (password hidden)"
                  + ("" if status == 0 else f"\n{out}"))
    migrate = services.get("migrate", {})
    check(migrate.get("command") == ["migrate"] and str(migrate.get("restart")) == "no"
          and "migrate" not in (migrate.get("depends_on") or {}),
          "compose: migrate is a one-shot `inmaek migrate`")

    proxy = services.get("proxy", {})
    check(str(proxy.get("image", "")).startswith("nginx:"), "compose: proxy is nginx")
    mounts = [str(v) for v in proxy.get("volumes", [])]
    check("./nginx.conf:/etc/nginx/nginx.conf:ro" in mounts,
          "compose: proxy mounts ./nginx.conf read-only as /etc/nginx/nginx.conf")
    deps = proxy.get("depends_on") or {}
    check(all(deps.get(r, {}).get("condition") == "service_healthy" for r in replicas),
          "compose: proxy starts after every replica is healthy")
    check(any(str(p).endswith(":80") for p in proxy.get("ports", [])),
          "compose: proxy publishes its port 80")

    upstreams, locations, limit = nginx_blocks(read("deploy", "nginx.conf"))
    check(len(upstreams) == 1, "nginx.conf: one upstream")
    for upstream, servers in upstreams.items():
        check(sorted(servers) == sorted(f"{r}:8080" for r in replicas),
              f"nginx.conf: upstream {upstream} = the replicas on 8080 ({' '.join(servers)})")
        for location in ("/hooks/", "/api/", "= /healthz", "= /readyz"):
            check(locations.get(location) == f"http://{upstream}",
                  f"nginx.conf: location {location} -> http://{upstream}")
    check(limit == example_value("server", "body_limit"),
          f"nginx.conf: client_max_body_size = server.body_limit ({limit})")
    _, tls_locations, tls_limit = nginx_blocks(read("deploy", "nginx-tls.example.conf"))
    check(tls_limit == example_value("server", "body_limit"),
          "nginx-tls.example.conf: client_max_body_size = server.body_limit")
    for location in ("/hooks/", "/api/", "= /healthz", "= /readyz"):
        check(str(tls_locations.get(location, "")).startswith("http://"),
              f"nginx-tls.example.conf: location {location} is proxied")


# ---- Kubernetes ---------------------------------------------------------------------------------

KINDS = {("v1", "ConfigMap"), ("v1", "Secret"), ("v1", "Service"), ("apps/v1", "Deployment"),
         ("policy/v1", "PodDisruptionBudget"), ("autoscaling/v2", "HorizontalPodAutoscaler")}
DNS1123 = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


def subset(small, big):
    return bool(small) and all(big.get(k) == v for k, v in small.items())


def check_k8s():
    k8s = os.path.join(DEPLOY, "k8s")
    files = sorted(f for f in os.listdir(k8s) if f.endswith(".yaml"))
    objects = {}
    for file in files:
        if file == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(read("deploy", "k8s", file)):
            if doc is None:
                continue
            kind = (doc.get("apiVersion"), doc.get("kind"))
            meta = doc.get("metadata") or {}
            name = meta.get("name", "")
            check(kind in KINDS, f"k8s/{file}: {kind[0]} {kind[1]} is a known apiVersion/kind")
            check(DNS1123.fullmatch(name or "") and len(name) <= 63,
                  f"k8s/{file}: metadata.name '{name}' is a DNS-1123 label")
            check("namespace" not in meta, f"k8s/{file}: no namespace (namespace-agnostic)")
            check((meta.get("labels") or {}).get("app.kubernetes.io/name") == "inmaek",
                  f"k8s/{file}: labelled app.kubernetes.io/name=inmaek")
            objects[kind[1]] = (file, doc)
    for _, kind in sorted(KINDS):
        check(kind in objects, f"k8s: a {kind}")
    if not {"Deployment", "ConfigMap", "Secret"} <= objects.keys():
        return

    _, deploy = objects["Deployment"]
    _, configmap = objects["ConfigMap"]
    secret_file, secret = objects["Secret"]
    spec = deploy.get("spec", {})
    template = spec.get("template", {})
    labels = (template.get("metadata") or {}).get("labels") or {}
    pod = template.get("spec", {})
    check(spec.get("replicas") == 2, "k8s: Deployment has 2 replicas")
    check(subset(spec.get("selector", {}).get("matchLabels"), labels),
          "k8s: Deployment selector matches its pod labels")
    containers = pod.get("containers", [])
    if not check(len(containers) == 1, "k8s: one container"):
        return
    c = containers[0]
    check(c.get("image") == f"inmaek:{project_version()}",
          f"k8s: image inmaek:{project_version()} (project version)")
    check(c.get("args") == ["serve"], "k8s: args [serve] after the image's entrypoint")

    toml_text = (configmap.get("data") or {}).get("inmaek.toml", "")
    try:
        conf = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as e:
        fail(f"k8s: ConfigMap inmaek.toml is not TOML: {e}")
        conf = {}
    keys = example_keys()
    for section, values in conf.items():
        for key in values if isinstance(values, dict) else []:
            check(key in keys.get(section, set()),
                  f"k8s: ConfigMap key {section}.{key} exists in inmaek.example.toml")
            check((section, key) not in SECRET_KEYS, f"k8s: no secret {section}.{key} in ConfigMap")
    check("url" not in conf.get("database", {}),
          "k8s: the database URL comes from the Secret, not the ConfigMap")
    port = listen_port(conf.get("server", {}).get("listen", "127.0.0.1:8080"))
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
    check(ports.get("http") == port, f"k8s: containerPort http = server.listen port {port}")

    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = (c.get(probe) or {}).get("httpGet") or {}
        check(get.get("path") == path and get.get("port") in ("http", port),
              f"k8s: {probe} GET {path} on the http port")
    res = c.get("resources") or {}
    check({"cpu", "memory"} <= set((res.get("requests") or {}))
          and "memory" in (res.get("limits") or {}),
          "k8s: resources: cpu and memory requests, memory limit")
    psc = pod.get("securityContext") or {}
    csc = c.get("securityContext") or {}
    check(psc.get("runAsNonRoot") is True and psc.get("runAsUser") == 10001,
          "k8s: pod runs as non-root uid 10001 (the image's user)")
    check(csc.get("readOnlyRootFilesystem") is True and csc.get("allowPrivilegeEscalation") is False
          and (csc.get("capabilities") or {}).get("drop") == ["ALL"],
          "k8s: read-only root, no privilege escalation, capabilities dropped")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
    check(all(n in volumes for n in mounts.values()), "k8s: every volumeMount has its volume")
    check("emptyDir" in volumes.get(mounts.get("/tmp"), {}), "k8s: /tmp is an emptyDir")
    config_volume = volumes.get(mounts.get("/etc/inmaek"), {})
    check((config_volume.get("configMap") or {}).get("name") == configmap["metadata"]["name"],
          "k8s: /etc/inmaek is the ConfigMap (the entrypoint reads /etc/inmaek/inmaek.toml)")
    grace = pod.get("terminationGracePeriodSeconds", 30)
    shutdown = conf.get("server", {}).get("shutdown_grace_ms", 10000) / 1000
    check(grace > shutdown + 5, f"k8s: terminationGracePeriodSeconds {grace} > preStop + drain")

    secret_keys = set((secret.get("stringData") or {})) | set((secret.get("data") or {}))
    env = {}
    for e in c.get("env", []):
        check(known_env(e["name"]), f"k8s: env {e['name']} is a documented key")
        ref = (e.get("valueFrom") or {}).get("secretKeyRef")
        if ref:
            check(ref.get("name") == secret["metadata"]["name"] and ref.get("key") in secret_keys,
                  f"k8s: env {e['name']} from Secret key {ref.get('key')}")
            env[e["name"]] = (secret.get("stringData") or {}).get(ref.get("key"), "")
        else:
            env[e["name"]] = str(e.get("value", ""))
    check("INMAEK_DATABASE_URL" in env, "k8s: the database URL comes from the Secret")
    check("example" in secret_file and all("REPLACE_ME" in str(v) for v in
                                             (secret.get("stringData") or {}).values()),
          f"k8s/{secret_file}: every value is a REPLACE_ME placeholder")
    if have_inmaek():
        path = os.path.join(WORK, "k8s.inmaek.toml")
        with open(path, "w") as f:
            f.write(toml_text)
        status, out = inmaek_config(path, env)
        check(status == 0 and "format json" in out and "password=***" in out,
              "k8s: `inmaek config` loads the ConfigMap with the Secret's variables"
              + ("" if status == 0 else f"\n{out}"))

    if "Service" in objects:
        svc = objects["Service"][1]["spec"]
        check(subset(svc.get("selector"), labels), "k8s: Service selects the pods")
        check(all(p.get("targetPort") in ("http", port) for p in svc.get("ports", [])),
              "k8s: Service targets the http port")
    if "PodDisruptionBudget" in objects:
        pdb = objects["PodDisruptionBudget"][1]["spec"]
        check(subset((pdb.get("selector") or {}).get("matchLabels"), labels),
              "k8s: PodDisruptionBudget selects the pods")
        check(isinstance(pdb.get("minAvailable"), int) and pdb["minAvailable"] < spec["replicas"],
              "k8s: PodDisruptionBudget minAvailable below the replicas (drains can proceed)")
    if "HorizontalPodAutoscaler" in objects:
        hpa = objects["HorizontalPodAutoscaler"][1]["spec"]
        target = hpa.get("scaleTargetRef") or {}
        check(target == {"apiVersion": "apps/v1", "kind": "Deployment",
                         "name": deploy["metadata"]["name"]}, "k8s: HPA targets the Deployment")
        check(hpa.get("minReplicas") == spec["replicas"] <= hpa.get("maxReplicas", 0),
              "k8s: HPA minReplicas = Deployment replicas <= maxReplicas")
        check(any(m.get("type") == "Resource" and m["resource"]["name"] == "cpu"
                  for m in hpa.get("metrics", [])), "k8s: HPA scales on CPU (requests set)")

    kust = yaml.safe_load(read("deploy", "k8s", "kustomization.yaml"))
    check(kust.get("apiVersion") == "kustomize.config.k8s.io/v1beta1"
          and kust.get("kind") == "Kustomization", "k8s: kustomization.yaml kind")
    resources = kust.get("resources", [])
    check(all(os.path.exists(os.path.join(k8s, r)) for r in resources),
          "k8s: kustomization resources exist")
    check(sorted(resources) == sorted(f for f in files
                                      if f not in ("kustomization.yaml", secret_file)),
          "k8s: kustomization lists every manifest but the Secret example")
    check("namespace" not in kust, "k8s: kustomization sets no namespace")
    check(all(i.get("name") == c["image"].split(":")[0] for i in kust.get("images", [])),
          "k8s: kustomization images name the Deployment's image")


# ---- systemd unit (structure; systemd-analyze runs from check.sh) -----------------------------

def parse_unit(text):
    sections, current = {}, None
    for number, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s[0] in "#;":
            continue
        m = re.fullmatch(r"\[([A-Za-z]+)\]", s)
        if m:
            current = sections.setdefault(m.group(1), [])
            continue
        m = re.fullmatch(r"([A-Za-z][A-Za-z0-9]*)=(.*)", s)
        if not m or current is None:
            fail(f"systemd: line {number} is not Key=value inside a section: {s}")
            continue
        current.append((m.group(1), m.group(2).strip()))
    return sections


def check_systemd():
    unit = parse_unit(read("deploy", "systemd", "inmaek.service"))
    check(set(unit) == {"Unit", "Service", "Install"}, "systemd: [Unit] [Service] [Install]")
    service = unit.get("Service", [])

    def values(key):
        return [v for k, v in service if k == key]

    def last(key):
        v = values(key)
        return v[-1] if v else None

    check(last("User") or last("DynamicUser") == "yes", "systemd: a dedicated or dynamic user")
    for key, want in (("StateDirectory", "inmaek"), ("ProtectSystem", "strict"),
                      ("ProtectHome", "yes"), ("PrivateTmp", "yes"), ("NoNewPrivileges", "yes"),
                      ("CapabilityBoundingSet", ""), ("MemoryDenyWriteExecute", "yes"),
                      ("Restart", "on-failure")):
        check(last(key) == want, f"systemd: {key}={want}")
    check(last("RestrictAddressFamilies") and
          sorted(last("RestrictAddressFamilies").split()) == ["AF_INET", "AF_INET6", "AF_UNIX"],
          "systemd: RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX")
    check("@system-service" in values("SystemCallFilter"), "systemd: SystemCallFilter=@system-service")
    check(values("LoadCredential") or values("EnvironmentFile"),
          "systemd: secrets by LoadCredential (or EnvironmentFile)")
    stop = last("TimeoutStopSec") or "90"
    seconds = int(re.fullmatch(r"(\d+)s?", stop).group(1)) if re.fullmatch(r"\d+s?", stop) else 0
    shutdown = example_value("server", "shutdown_grace_ms") / 1000
    check(seconds > shutdown, f"systemd: TimeoutStopSec {stop} > server.shutdown_grace_ms")
    exec_start = (last("ExecStart") or "").split()
    check(exec_start[:1] == ["/usr/local/bin/inmaek"] and exec_start[-1:] == ["serve"]
          and "--config" in exec_start, "systemd: ExecStart inmaek --config … serve")
    wanted = [v for k, v in unit.get("Install", []) if k == "WantedBy"]
    check(wanted == ["multi-user.target"], "systemd: WantedBy=multi-user.target")

    credentials = {v.split(":", 1)[0] for v in values("LoadCredential")}
    creds_dir = os.path.join(WORK, "credentials")
    os.makedirs(creds_dir, exist_ok=True)
    env = {}
    for value in values("Environment"):
        key, _, val = value.partition("=")
        check(known_env(key), f"systemd: Environment {key} is a documented key")
        if val.startswith("%d/"):
            check(val[3:] in credentials, f"systemd: {key} reads the credential {val[3:]}")
            dummy_secret(os.path.join(creds_dir, val[3:]), val[3:])
            val = os.path.join(creds_dir, val[3:])
        env[key] = val
    if have_inmaek():
        path = os.path.join(WORK, "systemd.inmaek.toml")
        with open(path, "w") as f:  # the README's installation step
            f.write(re.sub(r"(?m)^url = .*$", 'url = "sqlite3://db=/var/lib/inmaek/inmaek.db"',
                           EXAMPLE))
        status, out = inmaek_config(path, env)
        check(status == 0 and "/var/lib/inmaek/inmaek.db" in out,
              "systemd: `inmaek config` loads the README's inmaek.toml with the unit's environment"
              + ("" if status == 0 else f"\n{out}"))


# ---- README -------------------------------------------------------------------------------------

NOT_BUILT = {"backup", "migrate-data"}


def check_readme():
    text = read("deploy", "README.md")
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if "://" not in target:
            check(os.path.exists(os.path.join(DEPLOY, target)), f"README: link {target} exists")
    for path in sorted(set(re.findall(r"\bdeploy/[A-Za-z0-9_./-]*[A-Za-z0-9_]", text))):
        if path.startswith("deploy/secrets"):
            continue  # created by the operator
        check(os.path.exists(os.path.join(ROOT, path)), f"README: {path} exists")
    real = set(re.findall(r'add_subcommand\(\s*"([a-z-]+)"', read("bot", "main.cpp")))
    check({"serve", "migrate", "config"} <= real, "bot/main.cpp: subcommands found")
    fenced = re.findall(r"```.*?```", text, re.S)
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    # Shell comments in the blocks are prose; inline code spans may wrap lines.
    code = [re.sub(r"(?m)(^|\s)#.*$", "", b) for b in fenced] + re.findall(r"`([^`]+)`", prose)
    # The program at command position; the lookahead leaves `sudo -u inmaek inmaek …` whole.
    command = re.compile(r"(?:^|(?<=[\s;|&(`]))(?:/usr/local/bin/|build/)?inmaek"
                         r"(?=((?:[ \t]+(?:--config|-c|--database)[ \t]+\S+)*)[ \t]+([a-z][a-z-]*))",
                         re.M)
    seen = set()
    for block in code:
        for m in command.finditer(block):
            before = block[block.rfind("\n", 0, m.start()) + 1:m.start()]
            if re.search(r"(-u|-U|-o|-g|--user|--group|--username)\s*$", before):
                continue  # the user name, not the program
            seen.add(m.group(2))
    for sub in sorted(seen):
        if sub in real:
            ok(f"README: `inmaek {sub}` exists")
        elif sub in NOT_BUILT:
            around = [text[max(0, i - 400):i + 400] for i in
                      (m.start() for m in re.finditer(rf"inmaek {re.escape(sub)}\b", text))]
            check(around and all("not built yet" in a for a in around),
                  f"README: `inmaek {sub}` is marked as not built yet wherever it appears")
        else:
            fail(f"README: `inmaek {sub}` is not a subcommand of inmaek")


{"dockerfile": check_dockerfile, "compose": check_compose, "k8s": check_k8s,
 "systemd": check_systemd, "readme": check_readme}[AREA]()
if failed:
    print(f"  {len(failed)} failed in {AREA}", file=sys.stderr)
sys.exit(1 if failed else 0)
PY
readonly PYCHECK

py_check() {
    "$PY" -c "$PYCHECK" "$ROOT" "$INMAEK" "$WORK" "$1"
}

# ---- tool checks --------------------------------------------------------------------------------

check_compose_cli() {
    local status=0 ran=0
    if command -v docker-compose >/dev/null 2>&1; then
        ran=1
        echo "  docker-compose $(docker-compose version --short 2>/dev/null) config" >&2
        docker-compose -f deploy/compose.yaml config -q || status=1
        # Resolved services: the start order and the replicas as compose sees them.
        local services
        services="$(docker-compose -f deploy/compose.yaml config --services 2>/dev/null | sort | xargs)"
        echo "  services: $services" >&2
        [[ "$services" == "inmaek1 inmaek2 migrate postgres proxy" ]] || {
            echo "  unexpected services: $services" >&2
            status=1
        }
    fi
    if docker compose version >/dev/null 2>&1; then
        ran=1
        echo "  docker compose $(docker compose version --short) config" >&2
        docker compose -f deploy/compose.yaml config -q || status=1
    fi
    if [[ $ran -eq 0 ]]; then
        echo "  neither docker-compose nor the docker compose plugin is available" >&2
        return 1
    fi
    return "$status"
}

# Prints the path of an nginx binary: the system's, or one unpacked from Debian's .deb.
nginx_binary() {
    if command -v nginx >/dev/null 2>&1; then
        command -v nginx
        return
    fi
    local dir="$CACHE/nginx"
    if [[ ! -x "$dir/root/usr/sbin/nginx" ]]; then
        rm -rf "$dir" && mkdir -p "$dir/debs" "$dir/root"
        if ! (cd "$dir/debs" && apt-get download nginx >&2 2>/dev/null); then
            as_root env DEBIAN_FRONTEND=noninteractive apt-get update >&2 || return 1
            (cd "$dir/debs" && apt-get download nginx >&2) || return 1
        fi
        dpkg-deb -x "$dir"/debs/nginx_*.deb "$dir/root" || return 1
    fi
    echo "$dir/root/usr/sbin/nginx"
}

# nginx -t on a copy whose paths point into a scratch folder.
nginx_test() {
    local nginx="$1" conf="$2" prefix
    prefix="$(dirname "$conf")"
    "$nginx" -t -p "$prefix/" -c "$conf" -e "$prefix/error.log"
}

nginx_temp_paths() {
    local dir="$1"
    printf 'client_body_temp_path %s/body; proxy_temp_path %s/proxy; ' "$dir" "$dir"
    printf 'fastcgi_temp_path %s/fastcgi; uwsgi_temp_path %s/uwsgi; scgi_temp_path %s/scgi;' \
        "$dir" "$dir" "$dir"
}

check_nginx() {
    local nginx status=0
    nginx="$(nginx_binary)" || { echo "  no nginx binary (apt-get download nginx failed)" >&2; return 1; }
    echo "  using $nginx ($("$nginx" -v 2>&1))" >&2

    # The compose proxy: upstream host names resolve only inside compose.
    local dir="$WORK/nginx-compose"
    mkdir -p "$dir"
    sed -E -e 's/^([[:space:]]*server[[:space:]]+)[A-Za-z0-9_.-]+:([0-9]+)/\1127.0.0.1:\2/' \
        -e "s|^pid .*|pid $dir/nginx.pid;|" \
        -e "s|^http \\{|http { $(nginx_temp_paths "$dir")|" \
        deploy/nginx.conf >"$dir/nginx.conf"
    echo "  deploy/nginx.conf:" >&2
    nginx_test "$nginx" "$dir/nginx.conf" || status=1

    # The TLS example, inside a minimal main configuration, with a throwaway certificate.
    dir="$WORK/nginx-tls"
    mkdir -p "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=crm.example.com \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1 || {
        echo "  openssl could not make a test certificate" >&2
        return 1
    }
    sed -e "s|^\\([[:space:]]*ssl_certificate[[:space:]]\\+\\).*|\\1$dir/cert.pem;|" \
        -e "s|^\\([[:space:]]*ssl_certificate_key[[:space:]]\\+\\).*|\\1$dir/key.pem;|" \
        deploy/nginx-tls.example.conf >"$dir/site.conf"
    if ! grep -q "$dir/cert.pem" "$dir/site.conf" || ! grep -q "$dir/key.pem" "$dir/site.conf"; then
        echo "  nginx-tls.example.conf: ssl_certificate lines not found" >&2
        return 1
    fi
    printf 'pid %s/nginx.pid;\nevents {}\nhttp {\naccess_log %s/access.log;\n%s\ninclude %s/site.conf;\n}\n' \
        "$dir" "$dir" "$(nginx_temp_paths "$dir")" "$dir" >"$dir/nginx.conf"
    echo "  deploy/nginx-tls.example.conf:" >&2
    nginx_test "$nginx" "$dir/nginx.conf" || status=1
    return "$status"
}

check_systemd_analyze() {
    if ! command -v systemd-analyze >/dev/null 2>&1; then
        echo "  systemd-analyze missing (package systemd)" >&2
        return 1
    fi
    local dir="$WORK/systemd" out
    mkdir -p "$dir"
    # Can systemd-analyze verify anything here at all? A trivial unit must pass.
    printf '[Unit]\nDescription=probe\n[Service]\nExecStart=/bin/true\n' >"$dir/probe.service"
    if ! out="$(systemd-analyze verify --man=no "$dir/probe.service" 2>&1)" || [[ -n "$out" ]]; then
        note "systemd-analyze cannot verify units here ($out); only the structural check ran"
        return 0
    fi
    # ExecStart must name an executable: the built binary, else /bin/true.
    local binary=/bin/true
    [[ -x "$INMAEK" ]] && binary="$INMAEK"
    sed "s|^ExecStart=/usr/local/bin/inmaek |ExecStart=$binary |" \
        deploy/systemd/inmaek.service >"$dir/inmaek.service"
    local status=0
    out="$(systemd-analyze verify --man=no "$dir/inmaek.service" 2>&1)" || status=1
    if [[ $status -ne 0 ]] || grep -q 'inmaek\.service' <<<"$out"; then
        printf '  systemd-analyze verify:\n%s\n' "$out" >&2
        return 1
    fi
    [[ -n "$out" ]] && printf '  (other units) %s\n' "$out" >&2
    echo "  systemd-analyze verify: no findings" >&2
    # Exposure score, 0 (locked down) to 10; --threshold counts in tenths.
    if out="$(systemd-analyze security --offline=yes --threshold=20 "$dir/inmaek.service" 2>&1)"; then
        grep 'Overall exposure' <<<"$out" >&2
    else
        if grep -q 'Overall exposure' <<<"$out"; then
            grep 'Overall exposure' <<<"$out" >&2
            echo "  exposure above 2.0" >&2
            return 1
        fi
        note "systemd-analyze security --offline is not available here: $out"
    fi
}

check_shell() {
    local status=0 script
    for script in deploy/*.sh; do
        bash -n "$script" || status=1
    done
    if command -v shellcheck >/dev/null 2>&1; then
        shellcheck deploy/*.sh || status=1
        echo "  bash -n and shellcheck: $(echo deploy/*.sh)" >&2
    else
        note "shellcheck not installed: only bash -n ran"
    fi
    return "$status"
}

main() {
    cd "$ROOT"
    [[ -x "$PY" ]] || die "$PY missing (package python3)"
    install_tools
    "$PY" -c 'import yaml' 2>/dev/null || die "PyYAML missing for $PY (package python3-yaml)"
    [[ -x "$INMAEK" ]] || note "$INMAEK not built: the configuration files are not loaded by inmaek"

    run "Dockerfile" py_check dockerfile
    run "compose.yaml, nginx.conf (structure)" py_check compose
    run "compose.yaml (docker-compose config)" check_compose_cli
    run "nginx.conf, nginx-tls.example.conf (nginx -t)" check_nginx
    run "k8s/" py_check k8s
    run "systemd/inmaek.service (structure)" py_check systemd
    run "systemd/inmaek.service (systemd-analyze)" check_systemd_analyze
    run "README.md" py_check readme
    run "shell scripts" check_shell

    step "summary"
    local note_text
    for note_text in "${notes[@]}"; do
        printf '  note: %s\n' "$note_text" >&2
    done
    if [[ ${#failures[@]} -gt 0 ]]; then
        printf '  FAILED: %s\n' "${failures[@]}" >&2
        die "${#failures[@]} deploy check(s) failed"
    fi
    echo "deploy/ checks passed" >&2
}

main "$@"
