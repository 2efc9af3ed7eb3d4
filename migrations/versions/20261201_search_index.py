"""search index: the words of every offer (title, description, company, place, sectors) in two
plain tables both databases index alike, so a text search reads an index instead of every offer

The index is filled for the offers that exist; from then on portal.matching.index keeps it.

Revision ID: a9c4e2d71b05
Revises: 5c1e9a7b3f20
Create Date: 2026-12-01 00:10:00

"""
import sqlalchemy as sa
from alembic import op

from portal.matching.words import words_of

revision = 'a9c4e2d71b05'
down_revision = '5c1e9a7b3f20'
branch_labels = None
depends_on = None


def upgrade():
    words = op.create_table(
        'search_words',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('word', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_words')),
        sa.UniqueConstraint('word', name=op.f('uq_search_words_word')),
    )
    offer_words = op.create_table(
        'offer_words',
        sa.Column('word_id', sa.Integer(), nullable=False),
        sa.Column('offer_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'],
                                name=op.f('fk_offer_words_offer_id_offers'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['word_id'], ['search_words.id'],
                                name=op.f('fk_offer_words_word_id_search_words')),
        sa.PrimaryKeyConstraint('word_id', 'offer_id', name=op.f('pk_offer_words')),
    )
    op.create_index(op.f('ix_offer_words_offer_id'), 'offer_words', ['offer_id'], unique=False)
    _fill(words, offer_words)


def _fill(words, offer_words):
    connection = op.get_bind()
    texts = {}
    for offer_id, title, description, company, place in connection.execute(sa.text(
            "SELECT o.id, o.title, o.description, c.name, p.name FROM offers o "
            "JOIN organisations c ON c.id = o.company_id JOIN places p ON p.id = o.place_id")):
        texts[offer_id] = [title, description, company, place]
    for offer_id, name, name_en in connection.execute(sa.text(
            "SELECT os.offer_id, s.name, s.name_en FROM offer_sectors os "
            "JOIN sectors s ON s.id = os.sector_id")):
        texts[offer_id] += [name, name_en]
    found = {offer_id: words_of(*parts) for offer_id, parts in texts.items()}
    vocabulary = sorted({word for offer in found.values() for word in offer})
    ids = {word: number for number, word in enumerate(vocabulary, start=1)}
    if vocabulary:
        op.bulk_insert(words, [{"id": ids[word], "word": word} for word in vocabulary])
        op.bulk_insert(offer_words, [{"word_id": ids[word], "offer_id": offer_id}
                                     for offer_id, offer in found.items() for word in offer])
    if connection.dialect.name == "postgresql" and vocabulary:
        connection.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('search_words', 'id'), :n)"), {"n": len(ids)})


def downgrade():
    op.drop_index(op.f('ix_offer_words_offer_id'), table_name='offer_words')
    op.drop_table('offer_words')
    op.drop_table('search_words')
