using System.Net.Sockets;

namespace HaCluster.Shared.Config;

/// <summary>
/// Parses <c>virtual_ipaddress</c> lines: <c>ADDR[/PREFIX] [dev IF] [label L] [scope S] [brd ADDR]</c>.
/// </summary>
internal static class VirtualIpParser
{
    private static readonly Dictionary<string, byte> NamedScopes = new()
    {
        ["global"] = 0,
        ["site"] = 200,
        ["link"] = 253,
        ["host"] = 254,
        ["nowhere"] = 255,
    };

    public static List<VirtualIp> Block(ConfigStatement block, DiagnosticBag d)
    {
        var vips = new List<VirtualIp>();
        if (!block.RequireBlock(d))
        {
            return vips;
        }

        foreach (var line in block.Children)
        {
            if (Line(line, d) is { } vip)
            {
                vips.Add(vip);
            }
        }

        return vips;
    }

    private static VirtualIp? Line(ConfigStatement s, DiagnosticBag d)
    {
        if (s.HasBlock)
        {
            d.Warning(s.Location, "virtual_ipaddress: unexpected { } block ignored");
        }

        var slash = s.Keyword.IndexOf('/');
        var addressText = slash < 0 ? s.Keyword : s.Keyword[..slash];
        if (!ConfigValues.TryAddress(addressText, "virtual_ipaddress", s.Location, d, out var address))
        {
            return null;
        }

        var maxPrefix = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var prefix = maxPrefix;
        if (slash >= 0 && !ConfigValues.TryInt(s.Keyword[(slash + 1)..], "virtual_ipaddress prefix", 0, maxPrefix, s.Location, d, out prefix))
        {
            return null;
        }

        var vip = new VirtualIp(address, prefix) { Location = s.Location };
        return Options(vip, s, d);
    }

    private static VirtualIp? Options(VirtualIp vip, ConfigStatement s, DiagnosticBag d)
    {
        var ok = true;
        for (var i = 0; i < s.Args.Length; i++)
        {
            var option = s.Args[i];
            if (option is not ("dev" or "label" or "scope" or "brd"))
            {
                d.Warning(s.Location, $"virtual_ipaddress: option '{option}' is not supported; ignored");
                continue;
            }

            if (++i >= s.Args.Length)
            {
                d.Error(s.Location, $"virtual_ipaddress: '{option}' requires a value");
                return null;
            }

            var value = s.Args[i];
            (vip, var valid) = option switch
            {
                "dev" => (vip with { Device = value }, InterfaceNames.Check(value, "virtual_ipaddress dev", s.Location, d)),
                "label" => (vip with { Label = value }, CheckLabel(value, s.Location, d)),
                "scope" => TryScope(value, s.Location, d, out var scope) ? (vip with { Scope = scope }, true) : (vip, false),
                _ => Broadcast(vip, value, s.Location, d),
            };
            ok &= valid;
        }

        return ok ? vip : null;
    }

    private static bool CheckLabel(string label, SourceLocation at, DiagnosticBag d)
    {
        if (label.Length is > 0 and <= 15)
        {
            return true;
        }

        d.Error(at, $"virtual_ipaddress label: '{label}' is longer than 15 characters");
        return false;
    }

    private static bool TryScope(string text, SourceLocation at, DiagnosticBag d, out byte scope)
    {
        if (NamedScopes.TryGetValue(text, out scope))
        {
            return true;
        }

        if (text.All(char.IsAsciiDigit) && ConfigValues.TryInt(text, "virtual_ipaddress scope", 0, 255, at, d, out var number))
        {
            scope = (byte)number;
            return true;
        }

        if (!text.All(char.IsAsciiDigit))
        {
            d.Error(at, $"virtual_ipaddress scope: '{text}' is not global, site, link, host, nowhere or 0-255");
        }

        return false;
    }

    private static (VirtualIp, bool) Broadcast(VirtualIp vip, string text, SourceLocation at, DiagnosticBag d)
    {
        if (!ConfigValues.TryAddress(text, "virtual_ipaddress brd", at, d, out var brd))
        {
            return (vip, false);
        }

        if (brd.AddressFamily != AddressFamily.InterNetwork || vip.Address.AddressFamily != AddressFamily.InterNetwork)
        {
            d.Error(at, "virtual_ipaddress brd: broadcast addresses exist only for IPv4");
            return (vip, false);
        }

        return (vip with { Broadcast = brd }, true);
    }
}
