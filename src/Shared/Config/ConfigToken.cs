namespace HaCluster.Shared.Config;

internal enum TokenKind
{
    Word,
    OpenBrace,
    CloseBrace,
}

/// <summary>
/// One lexical token. <see cref="LineIndent"/> (tabs count to the next multiple of 8) lets the tree
/// builder guess which block a misplaced brace belongs to when the braces do not balance.
/// </summary>
internal readonly record struct ConfigToken(
    TokenKind Kind,
    string Text,
    SourceLocation Location,
    int LineIndent,
    bool StartsLine,
    bool Quoted = false)
{
    public bool IsWord(string text) => Kind == TokenKind.Word && !Quoted && Text == text;

    public bool IsOnSameLine(ConfigToken other) => Location == other.Location;
}
