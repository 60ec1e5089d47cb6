using HaCluster.Controller.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HaCluster.Controller.Data.Configurations;

internal sealed class JoinTokenConfiguration : IEntityTypeConfiguration<JoinTokenEntity>
{
    public void Configure(EntityTypeBuilder<JoinTokenEntity> builder)
    {
        builder.ToTable("join_tokens");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasMaxLength(16);
        builder.Property(t => t.SecretHash).HasMaxLength(64);
        builder.Property(t => t.Node).HasMaxLength(64);
        builder.Property(t => t.CreatedBy).HasMaxLength(256);
        builder.Property(t => t.UsedBy).HasMaxLength(256);
    }
}

internal sealed class IssuedCertificateConfiguration : IEntityTypeConfiguration<IssuedCertificateEntity>
{
    public void Configure(EntityTypeBuilder<IssuedCertificateEntity> builder)
    {
        builder.ToTable("issued_certificates");
        builder.HasKey(c => c.Serial);
        builder.Property(c => c.Serial).HasMaxLength(64);
        builder.Property(c => c.Name).HasMaxLength(64);
        builder.Property(c => c.Role).HasMaxLength(16);
        builder.Property(c => c.IssuedFor).HasMaxLength(128);
        // "Revoke node n1" and "what was revoked since T" (every controller follows revocations by polling).
        builder.HasIndex(c => new { c.Name, c.Role });
        builder.HasIndex(c => c.RevokedAt);
    }
}
