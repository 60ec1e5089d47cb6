using System.Text;

namespace HaCluster.Shared.Config;

/// <summary>The <c>authentication</c> and <c>unicast_peer</c> sub-blocks of a vrrp_instance.</summary>
internal static class InstanceBlocks
{
    /// <summary>RFC 3768 §5.3.6.1: the simple text password field is 8 octets.</summary>
    private const int MaxAuthPassBytes = 8;

    public static (AuthType Type, string? Pass) Authentication(ConfigStatement block, DiagnosticBag d)
    {
        if (!block.RequireBlock(d))
        {
            return (AuthType.None, null);
        }

        ConfigStatement? typeLine = null;
        var type = AuthType.None;
        string? pass = null;
        foreach (var s in block.Children)
        {
            switch (s.Keyword)
            {
                case "auth_type":
                    typeLine = s;
                    type = AuthTypeOf(s, d);
                    break;
                case "auth_pass":
                    pass = s.TryValue(d, out var value) ? Truncate(value, s, d) : pass;
                    break;
                default:
                    s.WarnUnknown(d);
                    break;
            }
        }

        if (typeLine is null)
        {
            d.Warning(block.Location, "authentication without auth_type is ignored");
        }
        else if (type == AuthType.Pass && pass is null)
        {
            d.Warning(typeLine.Location, "auth_type PASS without auth_pass; authentication disabled");
            type = AuthType.None;
        }

        return type == AuthType.Pass ? (type, pass) : (AuthType.None, null);
    }

    private static AuthType AuthTypeOf(ConfigStatement s, DiagnosticBag d)
    {
        if (!s.TryValue(d, out var value))
        {
            return AuthType.None;
        }

        switch (value.ToUpperInvariant())
        {
            case "PASS":
                return AuthType.Pass;
            case "AH":
                d.Error(s.Location, "auth_type AH is not supported (use PASS, or no authentication)");
                return AuthType.None;
            default:
                d.Error(s.Location, $"auth_type: '{value}' is not PASS or AH");
                return AuthType.None;
        }
    }

    private static string Truncate(string pass, ConfigStatement s, DiagnosticBag d)
    {
        if (Encoding.UTF8.GetByteCount(pass) <= MaxAuthPassBytes)
        {
            return pass;
        }

        var kept = new StringBuilder();
        var bytes = 0;
        foreach (var rune in pass.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > MaxAuthPassBytes)
            {
                break;
            }

            kept.Append(rune.ToString());
        }

        d.Warning(s.Location, $"auth_pass is longer than {MaxAuthPassBytes} bytes; truncated to its first {MaxAuthPassBytes} (the value is not shown)");
        return kept.ToString();
    }

    public static List<UnicastPeer> UnicastPeers(ConfigStatement block, DiagnosticBag d)
    {
        var peers = new List<UnicastPeer>();
        if (!block.RequireBlock(d))
        {
            return peers;
        }

        if (block.Children.IsEmpty)
        {
            // keepalived quietly falls back to multicast here: a unicast cluster would flood 224.0.0.18 instead.
            d.Error(block.Location, "unicast_peer { } names no peer (keepalived would fall back to multicast): list each peer's address, or remove the block");
            return peers;
        }

        foreach (var s in block.Children)
        {
            if (ConfigValues.TryAddress(s.Keyword, "unicast_peer", s.Location, d, out var address)
                & TryTtls(s, d, out var minTtl, out var maxTtl))
            {
                peers.Add(new UnicastPeer(address, minTtl, maxTtl) { Location = s.Location });
            }
        }

        return peers;
    }

    private static bool TryTtls(ConfigStatement s, DiagnosticBag d, out int? minTtl, out int? maxTtl)
    {
        minTtl = maxTtl = null;
        var ok = true;
        var i = 0;
        while (i < s.Args.Length)
        {
            var option = s.Args[i++];
            if (option is not ("min_ttl" or "max_ttl"))
            {
                d.Warning(s.Location, $"unicast_peer: unknown option '{option}' ignored");
                continue;
            }

            if (i >= s.Args.Length)
            {
                d.Error(s.Location, $"unicast_peer: '{option}' requires a value");
                return false;
            }

            ok &= ConfigValues.TryInt(s.Args[i++], option, 0, 255, s.Location, d, out var ttl);
            if (option == "min_ttl")
            {
                minTtl = ttl;
            }
            else
            {
                maxTtl = ttl;
            }
        }

        if (ok && minTtl > maxTtl)
        {
            d.Error(s.Location, $"unicast_peer: min_ttl {minTtl} is greater than max_ttl {maxTtl}");
            ok = false;
        }

        return ok;
    }
}
