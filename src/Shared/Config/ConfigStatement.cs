using System.Collections.Immutable;

namespace HaCluster.Shared.Config;

/// <summary>
/// One keyword with the words after it on its line and, when followed by <c>{ ... }</c>, its children.
/// </summary>
internal sealed record ConfigStatement(string Keyword, ImmutableArray<string> Args, SourceLocation Location)
{
    public bool HasBlock { get; init; }

    public ImmutableArray<ConfigStatement> Children { get; init; } = [];
}
