"""Signing engine: a development CA, organisations' keys (PKCS#12, PKCS#11), PAdES signing with a visible seal, verification.

    ca = ensure_dev_pki("data/pki", public_url=settings.public_url, organisations={"hd-union": "北京市海淀区总工会"})
    with open_signer(ca.key_config("hd-union")) as signer:
        signed = sign_pdf(pdf, signer, org_name="北京市海淀区总工会", document_no="海工调〔2026〕第17号", signing_time=now)
    result = verify_pdf(signed, [ca.root_certificate()], [ca.crl()])
    result.status, result.message_zh, result.message_en

See README.md in this folder.
"""

from infrastructure.signing.ca import DevCertificateAuthority, KeyAlgorithm, OrgCertificate, ensure_dev_pki
from infrastructure.signing.keys import KeyConfig, KeyLoadError, Pkcs11KeyConfig, Pkcs12KeyConfig, load_pkcs12_signer, open_signer
from infrastructure.signing.sign import SealBox, SealFontMissingError, find_seal_font, sign_pdf
from infrastructure.signing.verify import SignatureReport, Verification, VerificationStatus, unsigned_original, verify_pdf

__all__ = [
    "DevCertificateAuthority",
    "KeyAlgorithm",
    "KeyConfig",
    "KeyLoadError",
    "OrgCertificate",
    "Pkcs11KeyConfig",
    "Pkcs12KeyConfig",
    "SealBox",
    "SealFontMissingError",
    "SignatureReport",
    "Verification",
    "VerificationStatus",
    "ensure_dev_pki",
    "find_seal_font",
    "load_pkcs12_signer",
    "open_signer",
    "sign_pdf",
    "unsigned_original",
    "verify_pdf",
]
