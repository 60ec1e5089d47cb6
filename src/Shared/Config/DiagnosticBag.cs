using System.Collections.Immutable;

namespace HaCluster.Shared.Config;

/// <summary>
/// Collects every problem found while loading, so one run reports them all — the first
/// <see cref="ConfigLimits.MaxDiagnostics"/> one by one, the rest counted in a last line (100,000 unclosed braces are
/// one message's worth of news, not 14 MB of it).
/// </summary>
internal sealed class DiagnosticBag
{
    private readonly List<ConfigDiagnostic> _items = [];
    private int _moreErrors;
    private int _moreWarnings;
    private SourceLocation? _firstMore;

    public void Error(SourceLocation at, string message) => Add(new ConfigDiagnostic(at, DiagnosticSeverity.Error, message));

    public void Warning(SourceLocation at, string message) => Add(new ConfigDiagnostic(at, DiagnosticSeverity.Warning, message));

    public void AddRange(IEnumerable<ConfigDiagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            Add(diagnostic);
        }
    }

    /// <summary>Everything <paramref name="other"/> holds, the ones it only counted included.</summary>
    public void AddFrom(DiagnosticBag other)
    {
        AddRange(other._items);
        _firstMore ??= other._firstMore;
        _moreErrors += other._moreErrors;
        _moreWarnings += other._moreWarnings;
    }

    public ImmutableArray<ConfigDiagnostic> ToImmutable()
    {
        if (_moreErrors + _moreWarnings == 0)
        {
            return [.. _items];
        }

        var summary = new ConfigDiagnostic(_firstMore!.Value, _moreErrors > 0 ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
            $"and {_moreErrors + _moreWarnings} more ({_moreErrors} error(s), {_moreWarnings} warning(s)) not listed");
        return [.. _items, summary];
    }

    private void Add(ConfigDiagnostic diagnostic)
    {
        if (_items.Count < ConfigLimits.MaxDiagnostics)
        {
            _items.Add(diagnostic);
            return;
        }

        _firstMore ??= diagnostic.Location;
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            _moreErrors++;
        }
        else
        {
            _moreWarnings++;
        }
    }
}
