"""Errors reach Python as passage's exceptions, with the positions the command
line prints."""

import pytest

import passage
from support import ISHIGAMI, MALI, SRC, passage_cli

MM1 = SRC / "configs" / "verification" / "mm1.yaml"


@pytest.fixture
def misspelt(work):
    """mm1.yaml with `arrival_rate` misspelt on line 12."""
    text = MM1.read_text().replace("  arrival_rate: 0.5 ", "  arival_rate: 0.5 ")
    assert "arival_rate" in text
    path = work / "bad.yaml"
    path.write_text(text)
    return path


def test_config_error_carries_file_line_and_column(misspelt):
    with pytest.raises(passage.ConfigError) as e:
        passage.Scenario.load(misspelt).validate()
    err = e.value
    # Every problem, in the order the command line prints them.
    cli = passage_cli("validate", misspelt, check=False)
    assert cli.returncode == 2
    assert [str(d) for d in err.diagnostics] == cli.stderr.strip().split("\n", 1)[0:1] + [
        "\n".join(cli.stderr.strip().split("\n")[1:])]
    unknown = err.diagnostics[1]
    assert (unknown.file, unknown.line, unknown.column) == (str(misspelt), 12, 3)
    assert unknown.message == "unknown key 'arival_rate' in parameters"
    assert unknown.hint == "did you mean 'arrival_rate'?"
    assert (err.file, err.line, err.column) == (str(misspelt), 11, 1)
    assert isinstance(err, ValueError)


def test_run_raises_the_same_config_error(misspelt):
    with pytest.raises(passage.ConfigError, match=r"bad.yaml:12:3: error: unknown key"):
        passage.run(misspelt, replications=1)


def test_malformed_yaml_names_its_line(work):
    (work / "broken.yaml").write_text("name: x\nmodel: mm1\nparameters: [1, 2\n")
    with pytest.raises(passage.ConfigError) as e:
        passage.Scenario.load(work / "broken.yaml")
    assert e.value.line == 4 and "malformed YAML" in e.value.message


def test_a_bad_set_names_the_assignment():
    s = passage.Scenario.load(MM1).set("parameters.service_rate", -1)
    with pytest.raises(passage.ConfigError) as e:
        s.validate()
    assert e.value.file == "(--set parameters.service_rate=-1)"
    assert e.value.message == "service_rate must be a number > 0, got -1"
    with pytest.raises(passage.ConfigError, match="unknown key 'nope'"):
        passage.run(MM1, set={"parameters.nope.x": 1})


def test_usage_errors():
    with pytest.raises(passage.UsageError, match="between 1 and 10\\^12, got '0'"):
        passage.run(MM1, replications=0)
    with pytest.raises(passage.UsageError, match="--method"):
        passage.sensitivity(ISHIGAMI, SRC / "configs" / "sa" / "ishigami.yaml", "fast")
    with pytest.raises(passage.UsageError, match="needs the parameters' dotted paths"):
        passage.evaluate(ISHIGAMI, [[0.0]], "y")


def test_evaluate_checks_paths_and_outputs_before_running():
    with pytest.raises(passage.ConfigError) as e:
        passage.evaluate(ISHIGAMI, [[0.0, 1.0]], "y", parameters=["parameters.x1", "parameters.nope"])
    assert "parameters.nope" in e.value.file and "unknown key" in e.value.message
    with pytest.raises(passage.ConfigError, match="did you mean 'died'"):
        passage.evaluate(MALI, [[0.05]], "dead", parameters=["parameters.entries.mauritania.share"])


def test_reading_a_file_that_is_not_results(work):
    (work / "x.h5").write_text("not hdf5")
    with pytest.raises(passage.IoError, match="not an HDF5 file"):
        passage.read(work / "x.h5")
    with pytest.raises(passage.IoError, match="no such file"):
        passage.read(work / "missing.h5")
    # `passage report` of a file that is not there is bad input (exit 2).
    with pytest.raises(passage.UsageError, match="missing.h5"):
        passage.cli("report", work / "missing.h5")
