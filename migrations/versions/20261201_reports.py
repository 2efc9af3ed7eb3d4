"""reports: a signed-in user's report of an offer or a company, for the region's moderators

A company's new status "suspended" needs no change of the schema (organisations.status is a
string), and nothing is carried over: there were no reports before.

Revision ID: b3fe08ed7dd3
Revises: e7a1c5d9f346
Create Date: 2026-12-01 14:10:19

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3fe08ed7dd3'
down_revision = 'e7a1c5d9f346'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['organisations.id'], name=op.f('fk_reports_company_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_reports_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_reports_offer_id_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_reports_reporter_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index('ix_reports_status_company', ['status', 'company_id'], unique=False)
        batch_op.create_index('uq_reports_open_company', ['reporter_id', 'company_id'], unique=True, sqlite_where=sa.text("status = 'open' AND offer_id IS NULL"), postgresql_where=sa.text("status = 'open' AND offer_id IS NULL"))
        batch_op.create_index('uq_reports_open_offer', ['reporter_id', 'offer_id'], unique=True, sqlite_where=sa.text("status = 'open' AND offer_id IS NOT NULL"), postgresql_where=sa.text("status = 'open' AND offer_id IS NOT NULL"))



def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('uq_reports_open_offer', sqlite_where=sa.text("status = 'open' AND offer_id IS NOT NULL"), postgresql_where=sa.text("status = 'open' AND offer_id IS NOT NULL"))
        batch_op.drop_index('uq_reports_open_company', sqlite_where=sa.text("status = 'open' AND offer_id IS NULL"), postgresql_where=sa.text("status = 'open' AND offer_id IS NULL"))
        batch_op.drop_index('ix_reports_status_company')
        batch_op.drop_index(batch_op.f('ix_reports_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_reports_offer_id'))

    op.drop_table('reports')
