using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace HaCluster.Dashboard.Services;

/// <summary>A line diff of two rendered configs (DiffPlex), for the review before an edit is saved.</summary>
public sealed record ConfigDiff(IReadOnlyList<ConfigDiff.Line> Lines)
{
    public sealed record Line(string Prefix, string Text, string Css);

    public bool Changed => Lines.Any(l => l.Css.Length > 0);

    /// <summary>A diff the controller made (a revision's): lines prefixed "+ ", "- " or "  ".</summary>
    public static ConfigDiff FromLines(IEnumerable<string> lines) =>
        new([.. lines.Select(l => l.StartsWith("+ ", StringComparison.Ordinal) ? new Line("+", l[2..], "diff-add")
            : l.StartsWith("- ", StringComparison.Ordinal) ? new Line("-", l[2..], "diff-del")
            : new Line(" ", l.Length >= 2 ? l[2..] : l, ""))]);

    public static ConfigDiff Between(string before, string after)
    {
        var diff = InlineDiffBuilder.Diff(before, after, ignoreWhiteSpace: false);
        return new ConfigDiff([.. diff.Lines.Select(l => l.Type switch
        {
            ChangeType.Inserted => new Line("+", l.Text, "diff-add"),
            ChangeType.Deleted => new Line("-", l.Text, "diff-del"),
            _ => new Line(" ", l.Text, ""),
        })]);
    }
}
