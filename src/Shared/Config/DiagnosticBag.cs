using System.Collections.Immutable;

namespace HaCluster.Shared.Config;

/// <summary>Collects every problem found while loading, so one run reports them all.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<ConfigDiagnostic> _items = [];

    public void Error(SourceLocation at, string message) =>
        _items.Add(new ConfigDiagnostic(at, DiagnosticSeverity.Error, message));

    public void Warning(SourceLocation at, string message) =>
        _items.Add(new ConfigDiagnostic(at, DiagnosticSeverity.Warning, message));

    public void AddRange(IEnumerable<ConfigDiagnostic> diagnostics) => _items.AddRange(diagnostics);

    public ImmutableArray<ConfigDiagnostic> ToImmutable() => [.. _items];
}
