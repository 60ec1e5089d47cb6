using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Postgres;

/// <inheritdoc />
public partial class Audit : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AlterColumn<string>(
            name: "Action",
            table: "audit_entries",
            type: "character varying(32)",
            maxLength: 32,
            nullable: false,
            oldClrType: typeof(string),
            oldType: "character varying(16)",
            oldMaxLength: 16);

        migrationBuilder.AddColumn<string>(
            name: "Address",
            table: "audit_entries",
            type: "character varying(64)",
            maxLength: 64,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "Detail",
            table: "audit_entries",
            type: "character varying(1024)",
            maxLength: 1024,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "RequestId",
            table: "audit_entries",
            type: "character varying(64)",
            maxLength: 64,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "Role",
            table: "audit_entries",
            type: "character varying(16)",
            maxLength: 16,
            nullable: false,
            defaultValue: "");

        migrationBuilder.AddColumn<string>(
            name: "Target",
            table: "audit_entries",
            type: "character varying(256)",
            maxLength: 256,
            nullable: false,
            defaultValue: "");

        migrationBuilder.CreateIndex(
            name: "IX_audit_entries_At",
            table: "audit_entries",
            column: "At");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(
            name: "IX_audit_entries_At",
            table: "audit_entries");

        migrationBuilder.DropColumn(
            name: "Address",
            table: "audit_entries");

        migrationBuilder.DropColumn(
            name: "Detail",
            table: "audit_entries");

        migrationBuilder.DropColumn(
            name: "RequestId",
            table: "audit_entries");

        migrationBuilder.DropColumn(
            name: "Role",
            table: "audit_entries");

        migrationBuilder.DropColumn(
            name: "Target",
            table: "audit_entries");

        migrationBuilder.AlterColumn<string>(
            name: "Action",
            table: "audit_entries",
            type: "character varying(16)",
            maxLength: 16,
            nullable: false,
            oldClrType: typeof(string),
            oldType: "character varying(32)",
            oldMaxLength: 32);
    }
}
