using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace HaCluster.Controller.Groups;

/// <summary>
/// Strict dotted-quad IPv4, as keepalived's inet_pton reads it: IPAddress.TryParse alone would also take
/// "10.1" or "0x0a.0.0.1", which keepalived refuses.
/// </summary>
public static class Ipv4
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        var parts = text?.Split('.') ?? [];
        if (parts.Length != 4 || !parts.All(IsOctet))
        {
            return false;
        }

        address = new IPAddress(parts.Select(p => byte.Parse(p, CultureInfo.InvariantCulture)).ToArray());
        return true;
    }

    /// <summary><c>a.b.c.d</c> or <c>a.b.c.d/n</c> with n 0–32; no prefix means a host address (32).</summary>
    public static bool TryParseWithPrefix(string? text, [NotNullWhen(true)] out IPAddress? address, out int prefix)
    {
        prefix = 32;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash < 0)
        {
            return TryParse(text, out address);
        }

        var digits = text![(slash + 1)..];
        var prefixOk = digits.Length is 1 or 2 && digits.All(char.IsAsciiDigit)
            && int.Parse(digits, CultureInfo.InvariantCulture) <= 32;
        if (prefixOk)
        {
            prefix = int.Parse(digits, CultureInfo.InvariantCulture);
        }

        return TryParse(text[..slash], out address) & prefixOk;
    }

    public static IPAddress Parse(string text, string what) =>
        TryParseWithPrefix(text, out var address, out _)
            ? address
            : throw new ArgumentException($"{what}: '{text}' is not an IPv4 address; validate the group first");

    /// <summary>Adverts and virtual addresses need a unicast address: not 0.0.0.0, multicast or the limited broadcast.</summary>
    public static bool IsUnicast(IPAddress address)
    {
        var first = address.GetAddressBytes()[0];
        return !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.Broadcast) && first is < 224 or >= 240;
    }

    private static bool IsOctet(string part) =>
        part.Length is >= 1 and <= 3
        && part.All(char.IsAsciiDigit)
        && (part.Length == 1 || part[0] != '0')
        && int.Parse(part, CultureInfo.InvariantCulture) <= 255;
}
