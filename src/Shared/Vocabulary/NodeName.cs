namespace HaCluster.Shared.Vocabulary;

/// <summary>
/// What a node (and any other named identity: a person's or a tool's certificate) may be called: keepalived-safe, path-safe
/// and the same in a certificate's CN, a hello, a join token and the history.
/// </summary>
public static class NodeName
{
    public const string Rule = "1-64 characters from A-Z a-z 0-9 _ . -";

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}
