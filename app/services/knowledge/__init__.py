"""Knowledge context: one central-RAG knowledge base per product, resolved server-side."""

from app.services.knowledge.service import ask_product, backfill_knowledge_bases, rag_client

__all__ = ["ask_product", "backfill_knowledge_bases", "rag_client"]
