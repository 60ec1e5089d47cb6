namespace HaCluster.Shared.Config;

public static class InterfaceNames
{
    /// <summary>Linux IFNAMSIZ is 16 including the terminating NUL.</summary>
    private const int MaxLength = 15;

    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength
        && name is not ("." or "..")
        && !name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c));

    internal static bool Check(string name, string what, SourceLocation at, DiagnosticBag diagnostics)
    {
        if (IsValid(name))
        {
            return true;
        }

        diagnostics.Error(at, $"{what}: '{name}' is not a valid interface name");
        return false;
    }
}
