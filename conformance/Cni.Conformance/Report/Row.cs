using Cni.Conformance.Checks;

namespace Cni.Conformance.Report;

/// <summary>One line of the report: a check (or chain) judged against one plugin.</summary>
public sealed record Row(string Id, string Plugin, string Title, Verdict Verdict, string Reason, double Seconds);
