using System.Collections.Immutable;

namespace HaCluster.Shared.Config;

/// <summary>
/// Turns the token stream into a statement tree. A statement is a word plus the words after it on the
/// same line; a following <c>{</c> (on that line or a later one) opens its block.
/// </summary>
internal static class ConfigTreeBuilder
{
    public static ImmutableArray<ConfigStatement> Build(IReadOnlyList<ConfigToken> tokens, DiagnosticBag diagnostics)
    {
        var pass = new Pass(tokens, recoverByIndent: false);
        pass.Run();
        if (pass.UnclosedAtEnd)
        {
            // Matching braces strictly blames the outermost block for a missing '}' deep inside it;
            // re-reading with indentation as a hint blames the block that was really left open.
            pass = new Pass(tokens, recoverByIndent: true);
            pass.Run();
        }

        diagnostics.AddFrom(pass.Diagnostics);
        return [.. pass.Root];
    }

    private sealed class Frame(ConfigToken head, ImmutableArray<string> args, ConfigToken open, bool discard)
    {
        public ConfigToken Head { get; } = head;
        public ImmutableArray<string> Args { get; } = args;
        public ConfigToken Open { get; } = open;
        public bool Discard { get; } = discard;
        public List<ConfigStatement> Children { get; } = [];
    }

    private sealed class Pass(IReadOnlyList<ConfigToken> tokens, bool recoverByIndent)
    {
        private readonly List<Frame> _open = [];
        private bool _tooDeep;

        public List<ConfigStatement> Root { get; } = [];
        public DiagnosticBag Diagnostics { get; } = new();
        public bool UnclosedAtEnd { get; private set; }

        private List<ConfigStatement> Current => _open.Count == 0 ? Root : _open[^1].Children;

        public void Run()
        {
            var i = 0;
            while (i < tokens.Count && !_tooDeep)
            {
                var token = tokens[i];
                switch (token.Kind)
                {
                    case TokenKind.Word:
                        i = ReadStatement(i);
                        break;
                    case TokenKind.OpenBrace:
                        Diagnostics.Error(token.Location, "unexpected '{' without a keyword before it");
                        Open(new Frame(token, [], token, discard: true));
                        i++;
                        break;
                    default:
                        Close(token);
                        i++;
                        break;
                }
            }

            UnclosedAtEnd = _open.Count > 0;
            while (_open.Count > 0)
            {
                ReportUnclosed(_open[^1]);
                Pop();
            }
        }

        private int ReadStatement(int start)
        {
            var head = tokens[start];
            var next = start + 1;
            while (next < tokens.Count && tokens[next].Kind == TokenKind.Word && tokens[next].IsOnSameLine(head))
            {
                next++;
            }

            var args = tokens.Skip(start + 1).Take(next - start - 1).Select(t => t.Text).ToImmutableArray();
            if (next < tokens.Count && tokens[next].Kind == TokenKind.OpenBrace)
            {
                Open(new Frame(head, args, tokens[next], discard: false));
                return next + 1;
            }

            Current.Add(new ConfigStatement(head.Text, args, head.Location));
            return next;
        }

        /// <summary>A block opens, unless that would nest too deep: then reading stops (the config is refused anyway).</summary>
        private void Open(Frame frame)
        {
            if (_open.Count >= ConfigLimits.MaxNesting)
            {
                Diagnostics.Error(frame.Open.Location, $"blocks nested deeper than {ConfigLimits.MaxNesting} levels; the rest is not read");
                _tooDeep = true;
                return;
            }

            _open.Add(frame);
        }

        private void Close(ConfigToken brace)
        {
            if (_open.Count == 0)
            {
                Diagnostics.Error(brace.Location, "unexpected '}' with no open block");
                return;
            }

            if (recoverByIndent)
            {
                var target = OuterFrameAlignedWith(brace);
                while (_open.Count - 1 > target)
                {
                    ReportUnclosed(_open[^1]);
                    Pop();
                }
            }

            Pop();
        }

        /// <summary>
        /// Index of the open block a '}' most likely closes: the innermost one whose keyword line is
        /// indented like the '}' when the innermost block's is not; otherwise the innermost block.
        /// </summary>
        private int OuterFrameAlignedWith(ConfigToken brace)
        {
            var innermost = _open.Count - 1;
            if (!brace.StartsLine || brace.LineIndent >= _open[innermost].Head.LineIndent)
            {
                return innermost;
            }

            for (var i = innermost - 1; i >= 0; i--)
            {
                var head = _open[i].Head;
                if (head.LineIndent == brace.LineIndent && head.Location.File == brace.Location.File)
                {
                    return i;
                }
            }

            return innermost;
        }

        private void ReportUnclosed(Frame frame)
        {
            var what = frame.Discard ? "" : $" of '{frame.Head.Text}'";
            Diagnostics.Error(frame.Open.Location, $"unclosed '{{'{what}: missing '}}'");
        }

        private void Pop()
        {
            var frame = _open[^1];
            _open.RemoveAt(_open.Count - 1);
            if (!frame.Discard)
            {
                Current.Add(new ConfigStatement(frame.Head.Text, frame.Args, frame.Head.Location)
                {
                    HasBlock = true,
                    Children = [.. frame.Children],
                });
            }
        }
    }
}
