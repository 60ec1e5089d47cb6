using System.Collections.Immutable;

namespace HaCluster.Shared.Config;

/// <summary>
/// The outcome of loading a keepalived.conf: a best-effort model plus every problem found.
/// The model is only safe to act on when <see cref="HasErrors"/> is false.
/// </summary>
public sealed record ConfigLoadResult(KeepalivedConfig Config, ImmutableArray<ConfigDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<ConfigDiagnostic> Warnings => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning);
}
