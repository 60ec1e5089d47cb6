namespace HaCluster.Controller.Data.Entities;

/// <summary>A certificate the controller's CA issued: whom for, until when, and whether it was revoked.</summary>
public sealed class IssuedCertificateEntity
{
    /// <summary>Serial number, uppercase hex (as <c>X509Certificate2.SerialNumber</c> prints it).</summary>
    public required string Serial { get; set; }

    public required string Name { get; set; }

    public required string Role { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>How it came to be: an enrollment (with the token's id), a renewal (with the serial it replaced), or the command line.</summary>
    public required string IssuedFor { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
