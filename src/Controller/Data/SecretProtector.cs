using Microsoft.AspNetCore.DataProtection;

namespace HaCluster.Controller.Data;

/// <summary>
/// Secrets at rest (the groups' VRRP passwords) encrypted with ASP.NET Core Data Protection, whose key ring is kept in
/// the database (<see cref="HaClusterContext.DataProtectionKeys"/>) so that several controllers on one database share it.
/// A value stored before encryption was on reads as it is, and is encrypted at its next save.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private const string Prefix = "dp1:";
    private readonly IDataProtector _protector = provider.CreateProtector("HaCluster.Secrets.v1");

    public string Protect(string secret) => Prefix + _protector.Protect(secret);

    public string Unprotect(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal) ? _protector.Unprotect(stored[Prefix.Length..]) : stored;
}
