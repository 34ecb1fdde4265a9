using System.Globalization;
using System.Xml;
using Cni.Conformance.Checks;

namespace Cni.Conformance.Report;

/// <summary>
/// JUnit XML: one testsuite per plugin, one testcase per check. WARN is reported as a passing case with
/// a system-out note (CI should not go red on a recommendation); SKIP carries its reason.
/// </summary>
public static class JUnitReport
{
    public static void Write(string path, IReadOnlyList<Row> rows)
    {
        var settings = new XmlWriterSettings { Indent = true };
        using var w = XmlWriter.Create(path, settings);
        w.WriteStartDocument();
        w.WriteStartElement("testsuites");
        w.WriteAttributeString("name", "cni-conformance");
        Counts(w, rows);
        foreach (var group in rows.GroupBy(r => r.Plugin))
        {
            w.WriteStartElement("testsuite");
            w.WriteAttributeString("name", group.Key);
            Counts(w, [.. group]);
            foreach (var r in group)
            {
                w.WriteStartElement("testcase");
                w.WriteAttributeString("classname", "cni-conformance." + group.Key);
                w.WriteAttributeString("name", $"{r.Id} {r.Title}");
                w.WriteAttributeString("time", r.Seconds.ToString("0.000", CultureInfo.InvariantCulture));
                switch (r.Verdict)
                {
                    case Verdict.Fail:
                        w.WriteStartElement("failure");
                        w.WriteAttributeString("message", r.Reason);
                        w.WriteEndElement();
                        break;
                    case Verdict.Skip:
                        w.WriteStartElement("skipped");
                        w.WriteAttributeString("message", r.Reason);
                        w.WriteEndElement();
                        break;
                    case Verdict.Warn:
                        w.WriteElementString("system-out", "WARN: " + r.Reason);
                        break;
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static void Counts(XmlWriter w, IReadOnlyCollection<Row> rows)
    {
        w.WriteAttributeString("tests", rows.Count.ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("failures", rows.Count(r => r.Verdict == Verdict.Fail).ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("skipped", rows.Count(r => r.Verdict == Verdict.Skip).ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("errors", "0");
        w.WriteAttributeString("time", rows.Sum(r => r.Seconds).ToString("0.000", CultureInfo.InvariantCulture));
    }
}
