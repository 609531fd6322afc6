"""load_yaml frees the node tree as it converts it (issue 14, peak memory), except under alias
targets, which are converted again: the data must equal PyYAML's for anchors, aliases and merges."""

from __future__ import annotations

import yaml

from generator.spec.yamlpos import load_yaml

DOC = """
base: &base
  type: text
  nested: &nested {a: [1, 2, {b: c}], d: e}
cols: &cols
  - {name: x, <<: *base}
  - {name: y, nested: *nested}
tables:
  - {name: t1, columns: *cols, extra: *nested}
  - name: t2
    columns: *cols
    <<: [*base, {z: 1}]
  - {name: t3, more: [*base, *nested, *cols]}
"""


def test_aliases_and_merges_convert_as_pyyaml_does() -> None:
    loc = load_yaml(DOC, "schema.yaml")
    assert loc.data == yaml.safe_load(DOC)
    assert loc.pos(("tables", 1, "name")).line == 10
