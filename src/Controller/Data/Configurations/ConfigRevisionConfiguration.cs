using HaCluster.Controller.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HaCluster.Controller.Data.Configurations;

internal sealed class ConfigRevisionConfiguration : IEntityTypeConfiguration<ConfigRevisionEntity>
{
    public void Configure(EntityTypeBuilder<ConfigRevisionEntity> builder)
    {
        builder.ToTable("config_revisions");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.GroupName).HasMaxLength(64);
        builder.Property(r => r.Node).HasMaxLength(253);
        builder.Property(r => r.Hash).HasMaxLength(64);
        builder.Property(r => r.ChangedBy).HasMaxLength(256);
        builder.HasIndex(r => new { r.GroupName, r.Revision, r.Node }).IsUnique();
    }
}
