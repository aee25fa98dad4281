#!/usr/bin/env python3
"""Write the seed corpora and dictionaries of the fuzz targets (tests/fuzz/corpus/,
tests/fuzz/*.dict) from the real configurations. Run once; the fuzzers then grow
the corpora and scripts/fuzz.sh --merge keeps them small. Needs python3-yaml."""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CONFIGS = os.path.join(ROOT, "configs")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(target, name, text):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write(text)


def yaml_files(d):
    """The .yaml files under d, as paths relative to it, sorted."""
    out = []
    for top, _, files in os.walk(d):
        out += [os.path.relpath(os.path.join(top, f), d) for f in files if f.endswith(".yaml")]
    return sorted(out)


def plain(n):
    """The tree with every {value: ..., source|assumption: ...} replaced by its value."""
    if isinstance(n, dict):
        if "value" in n:
            return plain(n["value"])
        return {k: plain(v) for k, v in n.items()}
    if isinstance(n, list):
        return [plain(x) for x in n]
    return n


def dump(tree):
    return yaml.safe_dump(tree, sort_keys=False, default_flow_style=None, width=100)


def strip_comments(text):
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def leaves(n, path=""):
    """(dotted path, value) of every parameter of a tree."""
    if isinstance(n, dict):
        if "value" in n:
            yield path, n["value"]
            return
        for k, v in n.items():
            yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(n, list) or n is not None:
        yield path, n


def flow(v):
    return yaml.safe_dump(v, default_flow_style=True, width=1000).strip().removesuffix("...").strip()


# A small corridor that places every kind of part once (the corridor format,
# docs/scenario-reference.md).
SMALL_MALI = """name: small
model: mali
horizon_days: 30
parameters:
  cfa_per_eur: 667
  actors:
    state_security: {label: state security, kind: state, country: Mali}
    bus_companies: {label: bus companies, kind: transport}
    smugglers: {label: smugglers, kind: smuggler}
    ghetto_chairmen: {label: ghetto chairmen, kind: other}
    passport_network: {label: false-passport network, kind: other}
    transporters: {label: transporters, kind: transport}
    armed_groups: {label: armed groups, kind: armed_group}
    bandits: {label: bandits, kind: armed_group}
    kidnappers: {label: kidnappers, kind: smuggler}
  documents:
    default: none
    classes: {malian_passport: {label: Malian passport}, false_passport: {label: false Malian passport}, none: {label: no Malian papers}}
  nationalities: {malian: {label: Malian, citizen_of: [Mali]}, guinean: {label: Guinean, citizen_of: [Guinea]}}
  flows: {f: {annual_migrants: 1000}}
  origins:
    o: {share: 0.5, start: a, nationality: guinean}
    m: {share: 0.5, start: a, nationality: malian, documents: {malian_passport: 0.5}}
  destinations: {alg: {share: 0.9, exit: arrived_algeria}, nig: {share: 0.1, exit: exited_niger}}
  cash: {median: 300000, sigma: 0.5}
  modes:
    bus: {fare_to: bus_companies, speed_km_per_day: 700, sigma: 0.2}
    truck: {fare_to: transporters, speed_km_per_day: 200, sigma: 0.3}
    foot: {fare_to: smugglers, speed_km_per_day: 25, sigma: 0.4}
  toll_points:
    roadblock: {label: roadblock, forces: state_security, demand: {malian_passport: 0.3, false_passport: 0.3, none: 0.9}, toll: [1000, 5000], delay_hours: 0.5}
  recruiters:
    cokseur: {label: cokseur, share: 0.8, fee: 10000, receiver: smugglers}
  passport_markets:
    passports: {label: false Malian passport, issues: false_passport, demand: {citizen: 0, malian_passport: 0, false_passport: 0, none: 0.5}, price_eur: [50, 200], pool: 10, return_days: 30, seller: passport_network}
  arrest_points:
    gendarmes: {label: gendarmes, forces: state_security, modes: [bus], tax: [2000, 5000], tax_probability: {malian_passport: 0.2, false_passport: 0.2, none: 0.8}, arrest_probability: 0.1, bribe: 20000, bribe_to: state_security, detention_days: 2}
  hubs:
    hub: {passeur_fee: 25000, passeur_receiver: smugglers, passeur_networks: [o], foreign_ghetto_surcharge: 0.5, ghetto_fee_per_day: 1000, ghetto_receiver: ghetto_chairmen, earnings_per_day: 2000, earnings_sigma: 0.4, cash_reserve: 30000, max_work_days: 180}
  vehicles:
    truck: {label: truck, mode: truck, capacity: [60, 100], max_wait_days: 7, fare: {citizen: 32500, malian_passport: 100000, false_passport: 100000, none: 100000}, fare_to: transporters, protection: {probability: 0.5, fare_share: 0.2, hazard_factor: 0.3, receiver: armed_groups}}
  checkpoints:
    post: {label: checkpoint, fee: 5000, receiver: armed_groups, delay_hours: 1}
  bandits:
    hazard_scale: 1
    zones: {bandits: {label: bandits, receiver: bandits, robbery_share: 0.5, payoff: 10000, kill_probability: 0.03}}
  desert: {death_per_1000km: 0.004, modes: [truck, foot]}
  hostage_takers:
    kidnappers: {label: kidnappers, receiver: kidnappers, ransom: 300000, pay_probability: 0.6, pay_delay_days: 14, pay_delay_sigma: 0.6, wait_limit_days: 45, abandoned_survival: 0.5}
  borders:
    border: {label: border, interception: {malian_passport: 0.05, false_passport: 0.05, none: 0.3}, retry_probability: 0.7, retry_days: 5, retry_fee: 15000, retry_receiver: smugglers, max_attempts: 4}
  places:
    a: {name: A, country: Guinea, passport_market: passports, recruiters: cokseur}
    g: {country: Mali, hub: hub, vehicles: [truck], arrest_point: gendarmes}
    k: {ghetto_stop_days: 1}
    m: {}
    c: {crossing: {border: border, exit: arrived_algeria, strictness: 1}, hostage: {kidnappers: 0.1}}
    l: {exit: exited_niger, coordinates: [15, 0.7]}
  segments:
    a_g: {from: a, to: g, mode: bus, distance_km: 900, fare: 20000, roadblocks: {roadblock: 5}}
    g_k: {from: g, to: k, mode: truck, distance_km: 200, bandits: {bandits: 1.0e-4}}
    k_c: {from: k, to: c, mode: truck, weight: 0.5, distance_km: 200, checkpoints: {post: 2}}
    k_m: {from: k, to: m, mode: truck, weight: 0.5, distance_km: 100}
    m_c: {from: m, to: c, mode: foot, distance_km: 50, fare_to: smugglers, fare: 1000}
    g_l: {from: g, to: l, mode: bus, distance_km: 200, fare: 7500}
"""

YAML_SHAPES = [
    "", "~", "null", "[]", "{}", "- a\n- b\n", "a: b\n", "a: &x {b: 1}\nc: *x\n",
    "a: !!str 5\nb: '5'\nc: \"5\"\n", "--- \na: 1\n...\n---\nb: 2\n", "a: |\n  text\nb: >-\n  folded\n",
    "{a: [1, 2, {b: c}], d: e}\n", "a: 1\na: 2\n", "? [a, b]\n: c\n", "a: .inf\nb: -.inf\nc: .nan\n",
    "a: 0x1F\nb: 1e308\nc: -0\nd: 1_000\n",
]


def main():
    mali_text = read(os.path.join(CONFIGS, "mali-2016.yaml"))
    mali = yaml.safe_load(mali_text)
    mali_plain = plain(mali)

    # --- scenario -----------------------------------------------------------
    write("scenario", "mali-2016.yaml", mali_text)
    write("scenario", "mali-2016-nocomments.yaml", strip_comments(mali_text))
    write("scenario", "mali-2016-plain.yaml", dump(mali_plain))
    write("scenario", "small-mali.yaml", SMALL_MALI)
    write("scenario", "small-mali-changes.yaml", SMALL_MALI + """changes:
  - {from_day: 5, until_day: 20, scale: {parameters.bandits.hazard_scale: 2}}
  - {from_day: 10, close: [k_m]}
  - {add: {parameters.segments.g_k.bandits.bandits: 1.0e-4}, set: {parameters.hubs.hub.passeur_fee: 1000}}
  - {from_day: 12, open: [k_m], note: again}
""")
    write("scenario", "small-mali-policy.yaml", SMALL_MALI + """policies:
  p: {file: p.yaml, parameters: {f: {value: 0.5, assumption: x, range: [0, 1]}}}
changes:
  - {policy: p, scale: {parameters.vehicles.truck.protection.probability: $f}}
""")
    write("scenario", "small-mali-cycle.yaml",
          SMALL_MALI + "    c_g: {from: c, to: g, mode: foot, distance_km: 5}\n")
    write("scenario", "small-mali-dead-end.yaml",
          SMALL_MALI.replace("    m: {}", "    m: {}\n    d: {}") +
          "    g_d: {from: g, to: d, mode: bus, distance_km: 5}\n")
    for name in ("mm1.yaml", "batch.yaml"):
        write("scenario", name, read(os.path.join(CONFIGS, "verification", name)))
    write("scenario", "mm1-horizon.yaml",
          "model: mm1\nsources: [{id: x, kind: other, author: a, year: 2000, title: t}]\n"
          "horizon_days: {value: 100, source: x}\nparameters: {arrival_rate: 0.5, service_rate: 1, customers: 10}\n")
    write("scenario", "mm1-sources-bad.yaml",
          "model: mm1\nsources: [{id: x, kind: report, author: a, year: 2000, title: t, url: u}, {id: x, kind: rep}]\n"
          "horizon_days: {value: 100, source: \"report §1: old\"}\nparameters: {arrival_rate: {value: 0.5, source: y}, service_rate: 1, customers: 10}\n")
    write("scenario", "batch-wait.yaml",
          "model: batch_departure\nseed: 7\nreplications: 3\nhorizon_days: .inf\nparameters: {arrival_rate: 2, batch_size: 10, max_wait: 3, customers: 100}\n")
    for i, shape in enumerate(YAML_SHAPES):
        write("scenario", f"shape-{i:02d}.yaml", shape)

    # --- overlay ------------------------------------------------------------
    for f in yaml_files(os.path.join(CONFIGS, "policies")):
        write("overlay", f.replace(os.sep, "-"), read(os.path.join(CONFIGS, "policies", f)))
    write("overlay", "scheduled.yaml", """policy: scheduled
title: A scheduled policy
parameters:
  k: {value: 2, assumption: "a factor", range: [1, 3]}
  fee: {value: 1500, source: "press2016: a note"}
changes:
  - {from_day: 100, until_day: 200, scale: {parameters.bandits.hazard_scale: $k}}
  - {from_day: 150, close: [tal_handak, kidal]}
  - {from_day: 250, open: [tal_handak], set: {parameters.hubs.smuggling_hub.ghetto_fee_per_day: $fee}}
  - add: {parameters.vehicles.date_truck.capacity: 10, parameters.segments.kidal_aguelhok.checkpoints.armed_group_post: 1}
""")
    write("overlay", "new-route.yaml", """policy: new_route
changes:
  - set:
      parameters.segments.gao_labbezanga.closed: true
      parameters.places.ber.hub: smuggling_hub
      parameters.places.ber.vehicles: [date_truck]
""")

    # --- set ----------------------------------------------------------------
    paths = list(leaves(mali))
    lines = []
    for path, value in paths:
        if path.startswith("parameters.") or path in ("seed", "replications", "horizon_days", "name", "model"):
            lines.append(f"{path}={flow(value)}")
    # A few files of a few assignments each, and the hand-written ones.
    for i in range(0, len(lines), 12):
        write("set", f"baseline-{i // 12:02d}.txt", "\n".join(lines[i:i + 12]) + "\n")
    hand = [
        "parameters.bandits.hazard_scale=2",
        "parameters.segments.gao_anefis.to=anefiz",
        "parameters.hubs.smuggling_hub.passeur_networks.0=mali\nparameters.hubs.smuggling_hub.passeur_networks=[mali, guinea]",
        "changes=[{from_day: 200, close: [tal_handak]}]",
        "changes=[{scale: {parameters.bandits.hazard_scale: 2}, until_day: 100}]",
        "parameters.places.new_place={exit: arrived_libya}\nparameters.segments.x={from: gao, to: new_place, mode: truck, distance_km: 10}",
        "parameters.segments.anefis_kidal.closed=true\nparameters.segments.anefis_tal_handak.closed=true",
        "parameters.segments.anefis_kidal.weight={value: 0.2, assumption: x, range: [0, 1]}",
        "horizon_days=.inf\nseed=-1\nreplications=0",
        "model=mm1\nparameters={arrival_rate: 1, service_rate: 2, customers: 5}",
        "model=batch_departure",
        "policies.p.parameters.f=2\nchanges=[{policy: p, scale: {parameters.hubs.smuggling_hub.passeur_fee: $f}}]",
        "parameters.flows.extra={annual_migrants: 100, origin_shares: {mali: 1}}",
        "=1\n.=2\na..b=3\nparameters.=4\nparameters.places.gao.=5",
        "parameters.vehicles.date_truck.capacity=[1, 100000]\nparameters.vehicles.date_truck.max_wait_days=.inf",
        # The network's structure: a cycle, a dead end, an unreachable exit, another
        # hub, a change of topology, weights that leave no way on.
        "parameters.segments.gao_bamako={from: gao, to: bamako, mode: bus, distance_km: 10}",
        "parameters.places.x={}\nparameters.segments.gao_x={from: gao, to: x, mode: bus, distance_km: 10}",
        "parameters.segments.gao_labbezanga.to=ber",
        "parameters.places.kidal.hub=smuggling_hub\nparameters.places.kidal.vehicles=[date_truck]\nparameters.places.anefis.hub=smuggling_hub\nparameters.places.anefis.vehicles=[date_truck]",
        "changes=[{from_day: 10, set: {parameters.places.y: {exit: arrived_libya}}}]",
        "parameters.segments.anefis_kidal.weight=0\nparameters.segments.anefis_tal_handak.weight=0",
        "parameters.segments.kidal_aguelhok.mode=bus\nparameters.segments.ber_tal_handak.mode=foot",
        "parameters.places.tal_handak.crossing={border: algerian_border, exit: arrived_libya, strictness: 2}\nparameters.destinations.libya.exit=arrived_libya",
        # Parts placed elsewhere: a crossing the journey goes on from, hostages on a
        # segment, a desert risk of a segment's own, an arrest point that deports.
        "parameters.places.bassikounou.crossing={border: algerian_border, strictness: 0.5}",
        "parameters.places.kidal.crossing={border: algerian_border, strictness: 1}",
        "parameters.segments.ber_gao.hostage={border_post_smugglers: 0.1}\nparameters.segments.bassikounou_ber.desert_death_per_1000km=0.02",
        "parameters.arrest_points.deporting={label: deporting gendarmes, forces: state_security, modes: [pickup], tax: [2000, 5000], tax_probability: 0.5, arrest_probability: 0.2, detention_days: 2, deport_to: bamako}\nparameters.places.ber.arrest_point=deporting",
        "parameters.arrest_points.gao_gendarmes.deport_to=bamako\nparameters.places.kidal.arrest_point=gao_gendarmes",
        "parameters.vehicles.pickup_line={label: pickup, mode: pickup, capacity: [20, 30], max_wait_days: 2, fare: 50000, fare_to: transporters}\nparameters.places.gao.vehicles=[date_truck, pickup_line]",
        # Keys of the old format, refused with their new form.
        "parameters.places.gao.hub=true\nparameters.segments.bamako_gao.roadblocks=20\nparameters.roadblocks={toll: [1000, 5000]}",
    ]
    for i, text in enumerate(hand):
        write("set", f"hand-{i:02d}.txt", text + "\n")

    # --- changes ------------------------------------------------------------
    ch = [
        "[]",
        "- {from_day: 180, until_day: 270, scale: {parameters.bandits.hazard_scale: 2}}\n- {from_day: 200, close: [tal_handak]}\n",
        "- close: [anefis_kidal]\n",
        "- {from_day: 10, close: kidal}\n- {from_day: 20, open: [kidal]}\n",
        "- add:\n    parameters.segments.kidal_aguelhok.checkpoints.armed_group_post: -1\n    parameters.segments.ber_gao.checkpoints.armed_group_post: -1\n  scale:\n    parameters.bandits.hazard_scale: 0.4\n",
        "- scale: {parameters.toll_points.roadblock.toll: 0.7, parameters.arrest_points.gao_gendarmes.tax: 0.7}\n",
        "- set: {parameters.flows.niger_diversion: {annual_migrants: 24500, origin_shares: {guinea: 0.5, other: 0.5}}}\n",
        "- {until_day: 100, set: {parameters.hubs.smuggling_hub.ghetto_fee_per_day: 1500}, note: x}\n",
        "- {from_day: 364.5, scale: {parameters.places.tal_handak.crossing.strictness: 2}}\n",
        "- {set: {parameters.segments.gao_anefis.mode: bus}}\n",
        "- {policy: p, scale: {parameters.bandits.hazard_scale: $k}}\n",
        "- {from_day: 1, close: [gao, timbuktu]}\n- {from_day: 2, until_day: 3, open: [gao]}\n",
        "- {from_day: 5, set: {parameters.segments.kidal_aguelhok.to: anefis}}\n",
        "- {from_day: 5, set: {parameters.places.kidal.hub: smuggling_hub}}\n",
        "- {from_day: 5, scale: {parameters.segments.anefis_kidal.weight: 0}}\n",
    ]
    for i, text in enumerate(ch):
        write("changes", f"changes-{i:02d}.yaml", text)

    # --- design -------------------------------------------------------------
    # The real designs: mali-2016 applies to the baseline; ishigami and sobol_g name
    # parameters of other models, so they are refused (still good YAML to mutate).
    for f in yaml_files(os.path.join(CONFIGS, "sa")):
        write("design", f.replace(os.sep, "-"), read(os.path.join(CONFIGS, "sa", f)))
    write("design", "mali-2016-nocomments.yaml",
          strip_comments(read(os.path.join(CONFIGS, "sa", "mali-2016.yaml"))))
    hz = "parameters.bandits.hazard_scale"
    seg = "parameters.segments.gao_anefis"
    designs = [
        # Each distribution, alone.
        f"assumptions: false\nparameters:\n  {hz}: {{distribution: uniform, range: [0.5, 2]}}\n",
        f"parameters:\n  {hz}: {{distribution: log_uniform}}\n  {seg}.bandits.northern_bandits: {{distribution: log_uniform, range: [1.0e-5, 1.0e-3]}}\n",
        f"parameters:\n  {hz}: {{distribution: normal, mean: 1, sd: 0.2, name: hz}}\n",
        f"parameters:\n  {seg}.mode: {{distribution: choice, choices: [bus, truck, pickup, foot]}}\n",
        "parameters:\n  parameters.toll_points.roadblock.toll: {distribution: choice, choices: [[1000, 2000], [3000, 5000]]}\n",
        "parameters:\n  parameters.places.kidal: {distribution: choice, choices: [{}, {hub: smuggling_hub, vehicles: [date_truck]}, {exit: arrived_algeria}]}\n",
        f"parameters:\n  {seg}: {{distribution: choice, choices: [{{from: gao, to: anefis, mode: bus, distance_km: 10}}, {{closed: true}}]}}\n",
        # Whole numbers: from the scenario's literals, asked for, refused.
        "parameters:\n  parameters.segments.conakry_bamako.roadblocks.roadblock: {}\n  parameters.passport_markets.false_malian_passports.pool: {integer: true, range: [300, 6000]}\n",
        "parameters:\n  parameters.hubs.smuggling_hub.max_work_days: {distribution: normal, mean: 180, sd: 30, integer: true}\n",
        "parameters:\n  parameters.segments.conakry_bamako.roadblocks.roadblock: {distribution: log_uniform, range: [1, 40], integer: true}\n",
        "parameters:\n  parameters.segments.conakry_bamako.roadblocks.roadblock: {range: [0.2, 0.8], integer: true}\n",
        # Elements of lists, top-level values.
        "parameters:\n  parameters.toll_points.roadblock.toll.0: {range: [500, 1000]}\n  parameters.toll_points.roadblock.toll.1: {range: [4000, 9000]}\n",
        "parameters:\n  parameters.toll_points.roadblock.toll.value.0: {range: [500, 1000]}\n  parameters.toll_points.roadblock.toll.value.1: {range: [4000, 9000], integer: true}\n",
        "parameters:\n  parameters.hubs.smuggling_hub.passeur_networks.0: {distribution: choice, choices: [mali, guinea, senegal]}\n",
        "parameters:\n  parameters.hubs.smuggling_hub.passeur_networks.value.0: {distribution: choice, choices: [mali, guinea, senegal]}\n",
        "parameters:\n  horizon_days: {range: [30, 730], integer: true}\n  seed: {distribution: choice, choices: [1, 2]}\n",
        # Sampling settings.
        f"parameters:\n  {hz}: {{}}\nreplications: 3\ncommon_random_numbers: false\nbootstrap: 0\nsobol: {{samples: 16, second_order: true}}\nmorris: {{trajectories: 3, levels: 6}}\n",
        f"parameters:\n  {hz}: {{}}\nmorris: {{trajectories: 2, levels: 1000}}\n",
        f"parameters:\n  {hz}: {{}}\nmorris: {{levels: 3}}\nsobol: {{samples: 1}}\nreplications: 0\nbootstrap: -1\n",
        f"parameters:\n  {hz}: {{}}\nsobol: 64\nmorris: [10, 4]\nreplications: 1.5\n",
        # Outputs.
        f"parameters:\n  {hz}: {{}}\noutputs: [died, ransoms_paid, revenue_armed_groups, arrived_algeria, flow_gao_anefis]\n",
        f"parameters:\n  {hz}: {{}}\noutputs: [deaths, died, died, '', [x]]\n",
        f"parameters:\n  {hz}: {{}}\noutputs: died\n",
        f"parameters:\n  {hz}: {{}}\noutputs: []\n",
        # Assumptions and exclusions.
        "assumptions: true\nexclude: [parameters.cash.sigma, parameters.entries.mauritania.share]\n",
        "assumptions: true\nexclude: [parameters.cash.sigm, parameters.flows.mali_route.annual_migrants, [x]]\n",
        f"assumptions: false\nexclude: [parameters.cash.sigma]\nparameters: {{{hz}: {{}}}}\n",
        "assumptions: true\nexclude: parameters.cash.sigma\n",
        "description: nothing\nassumptions: false\n",
        "assumptions: maybe\n",
        # Bad bounds, wrong keys, wrong shapes.
        f"parameters:\n  {hz}: {{range: [2, 1]}}\n",
        f"parameters:\n  {hz}: {{distribution: log_uniform, range: [0, 1]}}\n",
        f"parameters:\n  {hz}: {{distribution: normal, mean: 1, sd: 0}}\n",
        f"parameters:\n  {hz}: {{distribution: normal, mean: .inf, sd: 1.0e308}}\n",
        f"parameters:\n  {hz}: {{range: [-1.0e308, 1.0e308]}}\n",
        f"parameters:\n  {hz}: {{range: [.nan, 1]}}\n",
        f"parameters:\n  {hz}: {{distribution: normal, range: [0, 1], choices: [1]}}\n",
        f"parameters:\n  {hz}: {{distribution: choice, choices: []}}\n",
        f"parameters:\n  {hz}: {{distribution: choice, choices: [1], integer: true}}\n",
        f"parameters:\n  {hz}: {{distribution: gaussian}}\n",
        f"parameters:\n  {hz}: {{distrbution: normal, mean: 1, sd: 1}}\nsamples: 5\n",
        f"parameters:\n  {hz}: {{name: ''}}\n",
        f"parameters:\n  {hz}: {{name: a}}\n  parameters.cash.sigma: {{name: a}}\n",
        f"parameters:\n  {hz}: 1\n  parameters.bandits.hazard_scal: {{}}\n",
        "parameters:\n  parameters.toll_points.roadblock: {range: [0, 1]}\n",
        "parameters:\n  parameters.toll_points.roadblock.toll: {range: [0, 1]}\n",
        "parameters:\n  parameters.cfa_per_eur: {}\n  parameters.flows.mali_route.annual_migrants: {}\n",
        "parameters:\n  parameters.origins.guinea.share: {}\n",
        "parameters: [parameters.bandits.hazard_scale]\n",
        f"parameters:\n  {hz}: {{range: {{value: [0.5, 2], source: x}}}}\n",
        "[]\n",
        "a design\n",
    ]
    for i, text in enumerate(designs):
        write("design", f"design-{i:02d}.yaml", text)

    # --- dictionaries -------------------------------------------------------
    keys = set()
    ids = set()  # the values that name something: part, actor, class and place ids

    def walk(n):
        if isinstance(n, dict):
            for k, v in n.items():
                keys.add(str(k))
                walk(v)
        elif isinstance(n, list):
            for x in n:
                walk(x)
        elif isinstance(n, str) and re.fullmatch(r"[a-z][a-z0-9_]*", n):
            ids.add(n)
    walk(mali)
    keys |= {"policy", "title", "description", "parameters", "changes", "notes", "from_day",
             "until_day", "set", "scale", "add", "close", "open", "note", "closed", "exit",
             "crossing", "strictness", "hub", "weight", "fare_to", "mode", "policies", "file"}
    words = sorted(keys | ids | {
        "state", "armed_group", "smuggler", "transport", "other", "citizen", "bus", "pickup",
        "truck", "foot", "state_security", "bus_companies", "smugglers", "ghetto_chairmen",
        "passport_network", "transporters", "armed_groups", "bandits", "kidnappers", "mali",
        "corridor", "mm1", "batch_departure", "arrival_rate", "service_rate", "customers",
        "batch_size", "max_wait", "arrived_algeria", "exited_niger", "died", "in_transit"}) + [
        "true", "false", "null", ".inf", "-.inf", ".nan", "1e308", "-1", "0", "1", "0.5",
        "4294967296", "9e15", "$"]
    yaml_tokens = ["{", "}", "[", "]", ": ", "- ", ", ", "&a ", "*a", "!!str ", "!!map ", "---",
                   "...", "|", ">-", "'", "\"", "~", "? ", "#", "\\x0A  ", "<<: "]
    dotted = sorted({p for p, _ in paths})

    def dict_file(name, entries):
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            f.write(f"# libFuzzer dictionary, written by seeds.py\n")
            for e in entries:
                esc = e.replace("\\", "\\\\").replace('"', '\\"') if e != "\\x0A  " else "\\x0A  "
                f.write(f"\"{esc}\"\n")

    dict_file("scenario.dict", yaml_tokens + words)
    dict_file("overlay.dict", yaml_tokens + words + dotted)
    dict_file("changes.dict", yaml_tokens + words + dotted)
    dict_file("set.dict", ["=", ".", "\\x0A  "] + yaml_tokens + words + dotted)
    metrics = re.findall(r'push_back\(\s*\{\s*"([a-z_]+)"',
                         read(os.path.join(ROOT, "models", "mali", "journey.cpp")))
    metrics += ["flow_" + k for k in mali_plain["parameters"]["segments"]]
    metrics += ["entered_" + k for k in mali_plain["parameters"]["origins"]]
    design_words = ["description", "assumptions", "exclude", "parameters", "outputs",
                    "replications", "common_random_numbers", "bootstrap", "sobol", "morris",
                    "samples", "second_order", "trajectories", "levels", "name", "distribution",
                    "range", "mean", "sd", "choices", "integer", "uniform", "log_uniform",
                    "normal", "choice", "value", "assumption", "source", "true", "false",
                    "1.0e-12", "1e-300", "1.0e308", "1000", "1e9", "2", "3", "4", "0", "-1"]
    assumed = sorted({p for p, _ in paths if p.startswith("parameters.")})
    dict_file("design.dict", yaml_tokens + design_words + sorted(set(metrics)) + assumed)


if __name__ == "__main__":
    sys.exit(main())
