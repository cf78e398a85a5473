"""The pyshacl engine: the reference the compiled validation is tested against."""

from __future__ import annotations

from rdflib import RDF, URIRef

from kg.validation.violations import SH, Violation, english_label, path_text, violation_message


# ------------------------------------------------------------------ report


def pyshacl_results(report):
    return report.subjects(RDF.type, URIRef(SH + "ValidationResult"))


def pyshacl_violation(report, result, data_graph) -> Violation:
    def one(name):
        return report.value(result, URIRef(SH + name))

    focus = one("focusNode")
    path = one("resultPath")
    value = one("value")
    constraint = one("sourceConstraint")
    shape = constraint if isinstance(constraint, URIRef) else one("sourceShape")
    return Violation(
        focus=str(focus),
        label=english_label(data_graph, focus),
        path=None if path is None else path_text(report, path),
        value=None if value is None else str(value),
        message=violation_message(report.objects(result, URIRef(SH + "resultMessage"))),
        severity=str(one("resultSeverity")).rpartition("#")[2],
        shape=str(shape),
    )
