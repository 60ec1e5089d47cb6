using System.Text;

namespace HaCluster.Shared.Config;

/// <summary>
/// Splits keepalived.conf text into tokens, line by line. Comments start with '#' or '!' anywhere
/// outside a quoted string (keepalived.conf(5)); braces are tokens even when glued to a word.
/// </summary>
internal static class ConfigLexer
{
    private const int TabWidth = 8;

    /// <summary>The tokens of each non-empty line; stops after the line that takes the count past <paramref name="maxTokens"/>.</summary>
    public static List<ConfigToken[]> TokenizeLines(string text, string file, DiagnosticBag diagnostics, int maxTokens = int.MaxValue)
    {
        var lines = new List<ConfigToken[]>();
        var lineStart = text.StartsWith('\uFEFF') ? 1 : 0;
        var count = 0;
        for (var number = 1; lineStart <= text.Length && count <= maxTokens; number++)
        {
            var end = text.IndexOf('\n', lineStart);
            var lineEnd = end < 0 ? text.Length : end;
            var tokens = TokenizeLine(text.AsSpan(lineStart, lineEnd - lineStart), new SourceLocation(file, number), diagnostics, maxTokens - count);
            if (tokens.Count > 0)
            {
                lines.Add([.. tokens]);
                count += tokens.Count;
            }

            lineStart = lineEnd + 1;
        }

        return lines;
    }

    /// <summary>The line's tokens, at most one more than <paramref name="limit"/> (enough to tell it went past).</summary>
    private static List<ConfigToken> TokenizeLine(ReadOnlySpan<char> line, SourceLocation at, DiagnosticBag diagnostics, int limit)
    {
        var tokens = new List<ConfigToken>();
        var indent = Indent(line);
        var i = 0;
        while (i < line.Length && tokens.Count <= limit)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c is '#' or '!')
            {
                break;
            }

            var first = tokens.Count == 0;
            if (c is '{' or '}')
            {
                tokens.Add(new ConfigToken(c == '{' ? TokenKind.OpenBrace : TokenKind.CloseBrace, c.ToString(), at, indent, first));
                i++;
            }
            else
            {
                var quoted = c == '"';
                i = quoted ? ReadQuoted(line, i, at, diagnostics, out var text) : ReadWord(line, i, out text);
                tokens.Add(new ConfigToken(TokenKind.Word, text, at, indent, first, quoted));
            }
        }

        return tokens;
    }

    private static int ReadWord(ReadOnlySpan<char> line, int start, out string text)
    {
        var i = start;
        while (i < line.Length && !char.IsWhiteSpace(line[i]) && line[i] is not ('{' or '}' or '#' or '!'))
        {
            i++;
        }

        text = line[start..i].ToString();
        return i;
    }

    /// <summary>Reads a "..." string starting at the opening quote; a backslash escapes the next character.</summary>
    private static int ReadQuoted(ReadOnlySpan<char> line, int open, SourceLocation at, DiagnosticBag diagnostics, out string text)
    {
        var sb = new StringBuilder();
        var i = open + 1;
        while (i < line.Length && line[i] != '"')
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                i++;
            }

            sb.Append(line[i]);
            i++;
        }

        text = sb.ToString();
        if (i < line.Length)
        {
            return i + 1;
        }

        diagnostics.Error(at, "unterminated quoted string");
        return i;
    }

    private static int Indent(ReadOnlySpan<char> line)
    {
        var column = 0;
        foreach (var c in line)
        {
            if (c == ' ')
            {
                column++;
            }
            else if (c == '\t')
            {
                column += TabWidth - (column % TabWidth);
            }
            else
            {
                break;
            }
        }

        return column;
    }
}
